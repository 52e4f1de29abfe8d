package io.unibloc.csi.controller.records;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.unibloc.api.v1alpha1.BlockVolume;
import io.unibloc.api.v1alpha1.BlockVolumePhase;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Reads and writes {@link BlockVolume} records. Errors are the client's {@link KubernetesClientException},
 * mapped to gRPC codes at the edge.
 */
public final class BlockVolumeRecords {
    private final KubernetesClient client;

    public BlockVolumeRecords(KubernetesClient client) {
        this.client = client;
    }

    public Optional<BlockVolume> get(String name) {
        return Optional.ofNullable(
                client.resources(BlockVolume.class).withName(name).get());
    }

    /** Creates the record; a record of that name that already exists is a 409 {@link KubernetesClientException}. */
    public BlockVolume create(BlockVolume volume) {
        return client.resources(BlockVolume.class).resource(volume).create();
    }

    /** Deletes the record (the node plugin's finalizer defers the removal until the storage is freed). Unknown names are fine. */
    public void delete(String name) {
        client.resources(BlockVolume.class).withName(name).delete();
    }

    /** Every record, by name. */
    public List<BlockVolume> list() {
        return client.resources(BlockVolume.class).list().getItems().stream()
                .sorted(Comparator.comparing(v -> v.getMetadata().getName()))
                .toList();
    }

    /**
     * Polls the record until the node plugin reports Ready or Failed, it disappears, or {@code max} passes;
     * returns the last state seen (empty when it is gone). Never waits longer than {@code max}.
     */
    public Optional<BlockVolume> awaitSettled(String name, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        long pause = 50;
        while (true) {
            Optional<BlockVolume> current = get(name);
            if (current.isEmpty() || settled(current.get()) || System.nanoTime() >= deadline) {
                return current;
            }
            try {
                Thread.sleep(Math.min(pause, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return current;
            }
            pause = Math.min(pause * 2, 400);
        }
    }

    public static boolean settled(BlockVolume volume) {
        BlockVolumePhase phase =
                volume.getStatus() == null ? null : volume.getStatus().getPhase();
        return phase == BlockVolumePhase.Ready || phase == BlockVolumePhase.Failed;
    }

    public static boolean deleting(BlockVolume volume) {
        return volume.getMetadata().getDeletionTimestamp() != null;
    }
}
