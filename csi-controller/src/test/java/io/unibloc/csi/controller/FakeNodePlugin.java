package io.unibloc.csi.controller;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.unibloc.api.status.StatusPatch;
import io.unibloc.api.v1alpha1.BlockVolume;
import io.unibloc.api.v1alpha1.BlockVolumePhase;
import io.unibloc.api.v1alpha1.BlockVolumeReasons;
import io.unibloc.api.v1alpha1.BlockVolumeStatus;
import io.unibloc.api.v1alpha1.NodeStore;
import io.unibloc.api.v1alpha1.NodeStoreStatus;
import io.unibloc.types.StoreException;
import io.unibloc.types.VolumeSizes;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Plays the node plugins' side of the BlockVolume contract against the mock API server: reports stores,
 * moves Pending records to the configured outcome and drops the finalizer of deleted records. Unit tests only.
 */
final class FakeNodePlugin implements AutoCloseable {
    /** READY sizes volumes by the engine's own rule; READY_SHORT reports the image's size whatever was asked. */
    enum Outcome {
        READY,
        READY_SHORT,
        FAIL_NOT_FOUND,
        STAY_PREPARING
    }

    private final KubernetesClient client;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    volatile Outcome outcome = Outcome.READY;
    volatile long sizeBytes = 64L << 20;

    FakeNodePlugin(KubernetesClient client) {
        this.client = client;
        loop.scheduleWithFixedDelay(this::tick, 0, 20, TimeUnit.MILLISECONDS);
    }

    /** Creates the node's NodeStore (without status, as the node plugin does) and writes its status through /status. */
    void reportStore(String node, long freeBytes, Instant updatedAt) {
        NodeStore store = client.resources(NodeStore.class).withName(node).get();
        if (store == null) {
            NodeStore fresh = new NodeStore();
            fresh.setMetadata(new ObjectMetaBuilder().withName(node).build());
            store = client.resources(NodeStore.class).resource(fresh).create();
        }
        NodeStoreStatus status = new NodeStoreStatus();
        status.setBackend("reflink-xfs");
        status.setCapacityBytes(freeBytes * 2);
        status.setFreeBytes(freeBytes);
        status.setUpdatedAt(updatedAt.toString());
        StatusPatch.apply(client, store, store.getStatus(), status);
    }

    private void tick() {
        try {
            for (BlockVolume v : client.resources(BlockVolume.class).list().getItems()) {
                if (v.getMetadata().getDeletionTimestamp() != null) {
                    client.resources(BlockVolume.class)
                            .withName(v.getMetadata().getName())
                            .edit(x -> {
                                x.getMetadata().getFinalizers().clear();
                                return x;
                            });
                    continue;
                }
                BlockVolumePhase phase =
                        v.getStatus() == null ? null : v.getStatus().getPhase();
                if (phase == null
                        || phase == BlockVolumePhase.Pending
                        || (phase == BlockVolumePhase.Preparing && outcome != Outcome.STAY_PREPARING)) {
                    BlockVolumeStatus next =
                            v.getStatus() == null ? new BlockVolumeStatus() : StatusPatch.copy(v.getStatus());
                    switch (outcome) {
                        case READY -> {
                            try {
                                // What the real node reports: the engine's size rule, not the fake's own idea.
                                next.setSizeBytes(VolumeSizes.effective(
                                        v.getMetadata().getName(),
                                        v.getSpec().getSizeBytes(),
                                        v.getSpec().getLimitBytes(),
                                        sizeBytes));
                                next.setPhase(BlockVolumePhase.Ready);
                            } catch (StoreException e) {
                                next.setPhase(BlockVolumePhase.Failed);
                                // The engine's size rule refuses only with INVALID_ARGUMENT, which the node reports so.
                                next.setReason(BlockVolumeReasons.INVALID_SPEC);
                                next.setMessage(e.getMessage());
                            }
                        }
                        case READY_SHORT -> {
                            next.setPhase(BlockVolumePhase.Ready);
                            next.setSizeBytes(sizeBytes);
                        }
                        case FAIL_NOT_FOUND -> {
                            next.setPhase(BlockVolumePhase.Failed);
                            next.setReason(BlockVolumeReasons.IMAGE_NOT_FOUND);
                            next.setMessage("image " + v.getSpec().getImage() + " not found in registry");
                        }
                        case STAY_PREPARING -> {
                            next.setPhase(BlockVolumePhase.Preparing);
                            next.setMessage("pulling");
                        }
                    }
                    StatusPatch.apply(client, v, v.getStatus(), next);
                }
            }
        } catch (RuntimeException e) {
            // The mock server may be shutting down; the next tick tries again.
        }
    }

    @Override
    public void close() {
        loop.shutdownNow();
    }
}
