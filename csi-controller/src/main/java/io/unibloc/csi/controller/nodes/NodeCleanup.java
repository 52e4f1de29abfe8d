package io.unibloc.csi.controller.nodes;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.unibloc.api.v1alpha1.BlockVolume;
import io.unibloc.api.v1alpha1.NodeStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@link #FINALIZER} on every Node that has a NodeStore or BlockVolumes, and when such a Node is being
 * deleted, removes the node plugin's finalizer from that node's BlockVolumes and deletes them and the NodeStore
 * (the node plugin that would free the storage is gone with the Node), then removes its own finalizer. Without
 * it a deleted Node's BlockVolumes keep their finalizer forever. A failed step is retried with capped exponential
 * back-off, forever; every Node is looked at again on each informer resync.
 *
 * <p>A Node that no longer has any unibloc storage loses the finalizer again (the controller stops managing it),
 * and {@link #removeFinalizers} takes it off every Node when unibloc is uninstalled (the chart's post-delete hook
 * runs {@code csi-controller --remove-node-finalizers}): the finalizer never outlives its owner.
 *
 * <p>RBAC: nodes get/list/watch/patch; blockvolumes get/list/patch/delete (fabric8 edit reads before it patches); nodestores get/delete.
 */
public final class NodeCleanup implements AutoCloseable {
    /** Held by the controller on Nodes that have unibloc storage. */
    public static final String FINALIZER = "block.unibloc.io/node-cleanup";

    private static final Logger LOG = LoggerFactory.getLogger(NodeCleanup.class);

    private final KubernetesClient client;
    private final Duration retryBase;
    private final Duration retryMax;
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "node-cleanup");
        t.setDaemon(true);
        return t;
    });
    private SharedIndexInformer<Node> informer;

    public NodeCleanup(KubernetesClient client, Duration retryBase, Duration retryMax) {
        this.client = client;
        this.retryBase = retryBase;
        this.retryMax = retryMax;
    }

    /** Watches Nodes (resync every {@code resync}) and handles each on the worker thread. */
    public NodeCleanup start(Duration resync) {
        informer = client.nodes()
                .inform(
                        new ResourceEventHandler<>() {
                            @Override
                            public void onAdd(Node node) {
                                submit(node.getMetadata().getName());
                            }

                            @Override
                            public void onUpdate(Node before, Node after) {
                                submit(after.getMetadata().getName());
                            }

                            @Override
                            public void onDelete(Node node, boolean unknownFinalState) {
                                // Gone already (no finalizer of ours was on it): clean up what it left.
                                submit(node.getMetadata().getName());
                            }
                        },
                        resync.toMillis());
        return this;
    }

    private void submit(String node) {
        try {
            worker.execute(() -> handleAndRetry(node));
        } catch (RejectedExecutionException e) {
            // Closed.
        }
    }

    private void handleAndRetry(String node) {
        try {
            handle(node);
            failures.remove(node);
        } catch (KubernetesClientException e) {
            int attempt = failures.merge(node, 1, Integer::sum);
            long millis = Math.min(retryBase.toMillis() << Math.min(attempt - 1, 20), retryMax.toMillis());
            LOG.warn(
                    "node clean-up will retry node={} attempt={} delayMs={} message={}",
                    node,
                    attempt,
                    millis,
                    e.getMessage());
            try {
                worker.schedule(() -> handleAndRetry(node), millis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closed) {
                // Closed.
            }
        }
    }

    /**
     * One pass for one Node: add the finalizer where storage exists, or clean up and release when the Node is
     * being deleted or gone. Idempotent. Errors: the client's exceptions (the caller retries).
     */
    public void handle(String nodeName) {
        Node node = client.nodes().withName(nodeName).get();
        List<BlockVolume> volumes = volumesOf(nodeName);
        boolean hasStore = client.resources(NodeStore.class).withName(nodeName).get() != null;
        if (node != null && node.getMetadata().getDeletionTimestamp() == null) {
            boolean managed = hasStore || !volumes.isEmpty();
            if (managed && !finalizers(node).contains(FINALIZER)) {
                client.nodes().withName(nodeName).edit(n -> {
                    List<String> next = new ArrayList<>(finalizers(n));
                    if (!next.contains(FINALIZER)) {
                        next.add(FINALIZER);
                    }
                    n.getMetadata().setFinalizers(next);
                    return n;
                });
                LOG.info("node finalizer added node={}", nodeName);
            } else if (!managed && finalizers(node).contains(FINALIZER)) {
                // No storage of ours left there (the node plugin no longer runs on it): nothing to clean up when
                // the Node goes, so the finalizer must not hold it.
                removeFinalizer(nodeName);
                LOG.info("node finalizer removed, no unibloc storage left node={}", nodeName);
            }
            return;
        }
        for (BlockVolume volume : volumes) {
            release(volume);
        }
        if (hasStore) {
            client.resources(NodeStore.class).withName(nodeName).delete();
        }
        if (node != null && finalizers(node).contains(FINALIZER)) {
            removeFinalizer(nodeName);
        }
        if (!volumes.isEmpty() || hasStore) {
            LOG.info("deleted node cleaned up node={} volumes={} nodeStore={}", nodeName, volumes.size(), hasStore);
        }
    }

    /**
     * Takes the finalizer off every Node, for when unibloc is uninstalled: Nodes are not unibloc's, and a finalizer
     * whose owner is gone would hold a deleted Node for ever. A Node already being deleted is first cleaned up as
     * {@link #handle} would (its BlockVolumes and NodeStore released); the others only lose the finalizer, their
     * storage records stay for a reinstall to find. Returns how many Nodes lost the finalizer (0 once none has
     * it). Idempotent. Errors: the client's exceptions.
     */
    public int removeFinalizers() {
        int removed = 0;
        for (Node node : client.nodes().list().getItems()) {
            if (!finalizers(node).contains(FINALIZER)) {
                continue;
            }
            String name = node.getMetadata().getName();
            if (node.getMetadata().getDeletionTimestamp() != null) {
                handle(name);
            } else {
                removeFinalizer(name);
            }
            removed++;
            LOG.info("node finalizer removed for uninstall node={}", name);
        }
        return removed;
    }

    private void removeFinalizer(String nodeName) {
        try {
            client.nodes().withName(nodeName).edit(n -> {
                List<String> next = new ArrayList<>(finalizers(n));
                next.remove(FINALIZER);
                n.getMetadata().setFinalizers(next);
                return n;
            });
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) { // gone meanwhile: nothing holds it
                throw e;
            }
        }
    }

    /** The node plugin that would free the storage is gone: drop its finalizer and the record. */
    private void release(BlockVolume volume) {
        String name = volume.getMetadata().getName();
        try {
            if (volume.getMetadata().getFinalizers() != null
                    && volume.getMetadata().getFinalizers().contains(BlockVolume.STORAGE_FINALIZER)) {
                client.resources(BlockVolume.class).withName(name).edit(v -> {
                    List<String> next =
                            new ArrayList<>(finalizers(v.getMetadata().getFinalizers()));
                    next.remove(BlockVolume.STORAGE_FINALIZER);
                    v.getMetadata().setFinalizers(next);
                    return v;
                });
            }
            client.resources(BlockVolume.class).withName(name).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    private List<BlockVolume> volumesOf(String node) {
        return client.resources(BlockVolume.class).withLabel(BlockVolume.NODE_LABEL, node).list().getItems().stream()
                .filter(v -> v.getSpec() == null
                        || v.getSpec().getNode() == null
                        || node.equals(v.getSpec().getNode()))
                .toList();
    }

    private static List<String> finalizers(Node node) {
        return finalizers(node.getMetadata().getFinalizers());
    }

    private static List<String> finalizers(List<String> list) {
        return list == null ? List.of() : list;
    }

    @Override
    public void close() {
        if (informer != null) {
            informer.close();
        }
        worker.shutdownNow();
    }
}
