package io.unibloc.csi.node.reconcile;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.unibloc.api.status.Conditions;
import io.unibloc.api.status.StatusPatch;
import io.unibloc.api.v1alpha1.BlockVolume;
import io.unibloc.api.v1alpha1.BlockVolumePhase;
import io.unibloc.api.v1alpha1.BlockVolumeStatus;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;

/**
 * Writes the status subresource of a BlockVolume (phase, message, reason, the Ready condition and observedGeneration)
 * with a JSON merge patch from the status as read ({@link StatusPatch}), which a real API server accepts whether or
 * not the record has a status yet.
 */
final class StatusWriter {
    private final KubernetesClient client;
    private final Clock clock;

    StatusWriter(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    String now() {
        return clock.instant().toString();
    }

    /** Sets the phase (and the Ready condition that follows from it) plus whatever {@code more} changes. */
    void phase(String name, BlockVolumePhase phase, String reason, String message, Consumer<BlockVolumeStatus> more) {
        BlockVolume bv = read(name);
        BlockVolumeStatus status = editable(bv);
        status.setPhase(phase);
        status.setReason(reason);
        status.setMessage(message);
        status.setObservedGeneration(bv.getMetadata().getGeneration());
        more.accept(status);
        status.setConditions(withReady(
                status.getConditions(), phase, reason, message, bv.getMetadata().getGeneration()));
        StatusPatch.apply(client, bv, bv.getStatus(), status);
    }

    /** Changes only the message (progress, deferred deletion), leaving the phase as it is. */
    void message(String name, String message) {
        BlockVolume bv = read(name);
        BlockVolumeStatus status = editable(bv);
        status.setMessage(message);
        StatusPatch.apply(client, bv, bv.getStatus(), status);
    }

    /** The record as the server has it now; a 404 {@link KubernetesClientException} when it is gone. */
    private BlockVolume read(String name) {
        BlockVolume bv = client.resources(BlockVolume.class).withName(name).get();
        if (bv == null) {
            throw new KubernetesClientException("BlockVolume " + name + " not found", 404, null);
        }
        return bv;
    }

    /** A copy of the stored status to edit (a fresh one when the record has none yet: status is never set on create). */
    private static BlockVolumeStatus editable(BlockVolume bv) {
        return bv.getStatus() == null ? new BlockVolumeStatus() : StatusPatch.copy(bv.getStatus());
    }

    /** The Ready condition that follows from the phase; its transition time stays while its status does. */
    private List<Condition> withReady(
            List<Condition> current, BlockVolumePhase phase, String reason, String message, Long generation) {
        boolean ready = phase == BlockVolumePhase.Ready;
        String why = ready ? "Prepared" : reason != null ? reason : phase.name();
        return new Conditions(current, generation == null ? 0 : generation, clock.instant())
                .set(BlockVolumeStatus.CONDITION_READY, ready ? Conditions.TRUE : Conditions.FALSE, why, message)
                .list(List.of(BlockVolumeStatus.CONDITION_READY));
    }
}
