package io.unibloc.csi.controller.records;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.unibloc.api.v1alpha1.BlockVolume;
import io.unibloc.api.v1alpha1.BlockVolumePhase;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
     * Waits on a watch of the record until the node plugin reports Ready or Failed, it disappears, or {@code max}
     * passes; returns the last state seen (empty when it is gone). Never waits longer than {@code max} (plus one GET
     * when it times out). A watch, not a poll: the answer comes as soon as the node's status write lands, and a long
     * wait costs one list and one watch, not a GET every few hundred milliseconds.
     */
    public Optional<BlockVolume> awaitSettled(String name, Duration max) {
        CompletableFuture<List<BlockVolume>> done = client.resources(BlockVolume.class)
                .withName(name)
                .informOnCondition(items -> items.isEmpty() || settled(items.get(0)));
        try {
            return done.get(max.toNanos(), TimeUnit.NANOSECONDS).stream().findFirst();
        } catch (TimeoutException e) {
            return get(name);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return get(name);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof KubernetesClientException k
                    ? k
                    : new KubernetesClientException("cannot watch BlockVolume " + name, e.getCause());
        } finally {
            // Stops the watch when it timed out (a completed one has stopped already).
            done.cancel(true);
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
