package io.unibloc.csi.node.reconcile;

import io.fabric8.kubernetes.api.model.Condition;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.unibloc.api.status.Conditions;
import io.unibloc.api.status.StatusPatch;
import io.unibloc.api.v1alpha1.BlockVolume;
import io.unibloc.api.v1alpha1.BlockVolumePhase;
import io.unibloc.api.v1alpha1.BlockVolumeStatus;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;

/**
 * Writes a BlockVolume's status (phase, reason, message, the Ready condition, observedGeneration) as a JSON merge
 * patch to its {@code /status} subresource ({@link StatusPatch}: accepted whether or not the record has a status yet,
 * unlike the JSON patch {@code UpdateControl.patchStatus} sends with server-side apply off), through JOSDK's
 * {@code resourcePatch} so that the controller's cache holds the answer and the write does not wake the reconciler.
 * Reasons are {@code BlockVolumeReasons} of the API, never engine names.
 */
final class VolumeStatusWriter {
    private final Clock clock;

    VolumeStatusWriter(Clock clock) {
        this.clock = clock;
    }

    String now() {
        return clock.instant().toString();
    }

    /** Sets the phase (and the Ready condition that follows from it) plus whatever {@code more} changes. */
    void phase(
            Context<BlockVolume> context,
            BlockVolume volume,
            BlockVolumePhase phase,
            String reason,
            String message,
            Consumer<BlockVolumeStatus> more) {
        BlockVolumeStatus next = editable(volume);
        Long generation = volume.getMetadata().getGeneration();
        next.setPhase(phase);
        next.setReason(reason);
        next.setMessage(message);
        next.setObservedGeneration(generation);
        more.accept(next);
        next.setConditions(withReady(next.getConditions(), phase, reason, message, generation));
        write(context, volume, next);
    }

    /** Changes only the message (retry, deferred deletion), leaving the phase as it is. */
    void message(Context<BlockVolume> context, BlockVolume volume, String message) {
        BlockVolumeStatus next = editable(volume);
        if (message.equals(next.getMessage())) {
            return;
        }
        next.setMessage(message);
        write(context, volume, next);
    }

    private static void write(Context<BlockVolume> context, BlockVolume volume, BlockVolumeStatus next) {
        BlockVolumeStatus current = volume.getStatus();
        context.resourceOperations()
                .resourcePatch(
                        volume,
                        r -> StatusPatch.apply(context.getClient(), r, current, next),
                        context.eventSourceRetriever().getControllerEventSource());
    }

    /** A copy of the stored status to edit (a fresh one when the record has none yet: status is never set on create). */
    private static BlockVolumeStatus editable(BlockVolume volume) {
        return volume.getStatus() == null ? new BlockVolumeStatus() : StatusPatch.copy(volume.getStatus());
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
