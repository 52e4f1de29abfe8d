package io.unibloc.operator.status;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.unibloc.api.status.StatusPatch;
import java.util.Objects;

/**
 * Writes a primary resource's status as a JSON merge patch to its status subresource ({@link StatusPatch}) and
 * hands the answer to JOSDK's cache, so that the next reconcile sees what was written and the operator's own
 * change does not trigger another reconcile. Replaces {@code UpdateControl.patchStatus}, whose JSON patch (with
 * server-side apply off) is refused by a real API server when the stored object has no status yet.
 */
public final class StatusWrites {
    private StatusWrites() {}

    /**
     * Patches {@code resource}'s status from {@code current} (as read, may be null) to {@code next}; returns the
     * object as stored afterwards. Errors: the client's.
     */
    public static <P extends HasMetadata> P patch(Context<P> context, P resource, Object current, Object next) {
        return context.resourceOperations()
                .resourcePatch(
                        resource,
                        r -> StatusPatch.apply(context.getClient(), r, current, next),
                        context.eventSourceRetriever().getControllerEventSource());
    }

    /**
     * Whether the spec changed between the reconcile's read and its status write. The merge patch carries no
     * resourceVersion, so it does not fail on such a race, and JOSDK filters the spec change's event as older than
     * the operator's own write: the caller must reconcile again at once.
     */
    public static boolean specChangedMeanwhile(HasMetadata reconciled, HasMetadata written) {
        return written != null
                && !Objects.equals(
                        reconciled.getMetadata().getGeneration(),
                        written.getMetadata().getGeneration());
    }
}
