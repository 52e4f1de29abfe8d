package io.unibloc.operator.config;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * Refuses to start, with one line naming the cause, when the operator has no cluster to talk to: outside a Pod
 * and without a kubeconfig, fabric8 falls back to {@code https://kubernetes.default.svc}, and the operator would
 * otherwise spend its start-up on DNS failures and end with an {@code UnknownHostException}. Runs before the
 * Java Operator SDK starts its controllers.
 */
@Singleton
public class ClusterCheck {
    static final String IN_CLUSTER_HOST = "kubernetes.default.svc";

    void onStart(
            @Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event, KubernetesClient client) {
        problem(client.getConfiguration().getMasterUrl(), System.getenv()).ifPresent(message -> {
            throw new IllegalStateException(message);
        });
    }

    /**
     * What is wrong with aiming at {@code masterUrl} from an environment {@code env}, if anything: only the in-cluster
     * default address outside a Pod ({@code KUBERNETES_SERVICE_HOST} unset) is refused.
     */
    static Optional<String> problem(String masterUrl, Map<String, String> env) {
        String host = masterUrl == null ? null : URI.create(masterUrl).getHost();
        String inPod = env.get("KUBERNETES_SERVICE_HOST");
        if (IN_CLUSTER_HOST.equals(host) && (inPod == null || inPod.isBlank())) {
            return Optional.of("operator: no Kubernetes cluster to talk to: not running in a Pod"
                    + " (KUBERNETES_SERVICE_HOST is unset) and no kubeconfig ($KUBECONFIG or ~/.kube/config)"
                    + " or quarkus.kubernetes-client.api-server-url, so the API server would be " + masterUrl);
        }
        return Optional.empty();
    }
}
