package io.unibloc.operator.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterCheckTest {

    @Test
    void theInClusterDefaultOutsideAPodIsRefusedWithTheCause() {
        assertThat(ClusterCheck.problem("https://kubernetes.default.svc/", Map.of()))
                .hasValueSatisfying(m -> assertThat(m)
                        .contains("no Kubernetes cluster to talk to", "KUBERNETES_SERVICE_HOST", "kubeconfig"));
    }

    @Test
    void theInClusterAddressInsideAPodIsFine() {
        assertThat(ClusterCheck.problem(
                        "https://kubernetes.default.svc/", Map.of("KUBERNETES_SERVICE_HOST", "10.43.0.1")))
                .isEmpty();
    }

    @Test
    void anExplicitApiServerIsFineAnywhere() {
        assertThat(ClusterCheck.problem("https://127.0.0.1:6443/", Map.of())).isEmpty();
        assertThat(ClusterCheck.problem("https://api.example.com", Map.of())).isEmpty();
    }
}
