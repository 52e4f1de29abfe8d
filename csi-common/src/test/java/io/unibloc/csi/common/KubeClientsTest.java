package io.unibloc.csi.common;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without --kubeconfig a component needs some cluster configuration, or it says at once that it has none. */
class KubeClientsTest {
    @TempDir
    Path home;

    @Test
    void noPodNoKubeconfigIsOneClearError() {
        assertThatThrownBy(() -> KubeClients.requireSomeCluster(Map.of(), home))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no Kubernetes cluster to talk to")
                .hasMessageContaining("KUBERNETES_SERVICE_HOST")
                .hasMessageContaining(home.resolve(".kube/config").toString());
    }

    @Test
    void aKubeconfigVariableNamingMissingFilesIsNamed() {
        assertThatThrownBy(() ->
                        KubeClients.requireSomeCluster(Map.of("KUBECONFIG", "/nonexistent/a:/nonexistent/b"), home))
                .hasMessageContaining("KUBECONFIG=/nonexistent/a:/nonexistent/b");
    }

    @Test
    void inAPodOrWithAKubeconfigFileItPasses() throws Exception {
        assertThatCode(() -> KubeClients.requireSomeCluster(Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1"), home))
                .doesNotThrowAnyException();
        Files.createDirectories(home.resolve(".kube"));
        Files.writeString(home.resolve(".kube/config"), "apiVersion: v1\nkind: Config\n");
        assertThatCode(() -> KubeClients.requireSomeCluster(Map.of(), home)).doesNotThrowAnyException();
        Path other = Files.writeString(home.resolve("other.yaml"), "apiVersion: v1\nkind: Config\n");
        assertThatCode(() -> KubeClients.requireSomeCluster(Map.of("KUBECONFIG", "/nonexistent:" + other), home))
                .doesNotThrowAnyException();
    }
}
