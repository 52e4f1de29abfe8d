package io.unibloc.csi.node;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetricsV2;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The node plugin's Java Operator SDK runtime, shared by its controllers: the node's Kubernetes client (not closed
 * when the operator stops: the rest of the plugin uses it too), JOSDK's metrics on the node's registry, status and
 * finalizers written without server-side apply (status goes as a JSON merge patch, see {@code StatusPatch}), and a
 * small reconcile pool, and an informer failure after sync that shuts the plugin down in order ({@link
 * InformerFailure}) instead of exiting the JVM: reconciles only read, write status and free storage; pulls run elsewhere.
 */
public final class NodeOperator {
    /** Reconciles that run at once; none waits for a pull, so a few are plenty. */
    public static final int RECONCILE_THREADS = 4;

    private NodeOperator() {}

    /**
     * @param stopped replaces JOSDK's default handler, which calls {@code System.exit(1)} when a synced informer
     *     stops with an error
     */
    public static Operator create(KubernetesClient client, MeterRegistry meters, InformerFailure stopped) {
        return new Operator(o -> o.withKubernetesClient(client)
                .withInformerStoppedHandler(stopped)
                .withCloseClientOnStop(false)
                .withUseSSAToPatchPrimaryResource(false)
                .withConcurrentReconciliationThreads(RECONCILE_THREADS)
                .withMetrics(MicrometerMetricsV2.newBuilder(meters).build()));
    }
}
