package io.unibloc.csi.common;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/** The Kubernetes client of a component: from {@code --kubeconfig} when given, else in-cluster or ~/.kube/config. */
public final class KubeClients {
    private KubeClients() {}

    /**
     * @throws IllegalStateException without {@code --kubeconfig} when there is no cluster to talk to at all (not in
     *     a Pod, no kubeconfig file): fabric8 would otherwise aim at https://kubernetes.default.svc and the component
     *     would serve, or retry, without ever saying that it has no cluster
     */
    public static KubernetesClient create(Path kubeconfig) {
        if (kubeconfig == null) {
            requireSomeCluster(System.getenv(), Path.of(System.getProperty("user.home")));
            return new KubernetesClientBuilder().build();
        }
        try {
            Config config = Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString());
            return new KubernetesClientBuilder().withConfig(config).build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read kubeconfig " + kubeconfig, e);
        }
    }

    /**
     * Passes when fabric8's automatic configuration has something to go by: in a Pod ({@code KUBERNETES_SERVICE_HOST}),
     * an explicit master ({@code KUBERNETES_MASTER}), or an existing kubeconfig file ({@code $KUBECONFIG}, else
     * {@code ~/.kube/config}).
     *
     * @throws IllegalStateException naming where it looked
     */
    static void requireSomeCluster(Map<String, String> env, Path home) {
        if (isSet(env.get("KUBERNETES_SERVICE_HOST")) || isSet(env.get("KUBERNETES_MASTER"))) {
            return;
        }
        String kubeconfigs = env.get("KUBECONFIG");
        boolean fileExists = isSet(kubeconfigs)
                ? Arrays.stream(kubeconfigs.split(File.pathSeparator))
                        .filter(KubeClients::isSet)
                        .anyMatch(p -> Files.isRegularFile(Path.of(p)))
                : Files.isRegularFile(home.resolve(".kube/config"));
        if (!fileExists) {
            throw new IllegalStateException(
                    "no Kubernetes cluster to talk to: not running in a Pod (KUBERNETES_SERVICE_HOST"
                            + " is unset) and no kubeconfig (--kubeconfig, "
                            + (isSet(kubeconfigs)
                                    ? "KUBECONFIG=" + kubeconfigs
                                    : "$KUBECONFIG or " + home.resolve(".kube/config"))
                            + ")");
        }
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }
}
