package io.unibloc.operator.pod;

import io.unibloc.api.v1alpha1.UnikernelPod;
import io.unibloc.api.v1alpha1.pod.Phase;
import io.unibloc.operator.status.Conditions;
import io.unibloc.operator.status.EventRecorder;
import java.util.List;
import java.util.Set;

/**
 * Turns one reconcile's changes into Events: Normal for each condition that became True, Warning for
 * each that turned False for a reason a user must act on, and one for the guest's end (Succeeded or
 * Failed). Unchanged conditions emit nothing, so a quiet resource stays quiet.
 */
final class TransitionEvents {
    static final Set<String> WARNING_REASONS = Set.of("InvalidSpec", "InvalidImage", "ImageNotFound",
            "RegistryAuthFailed", "RegistryUnavailable", "PinFailed", "PullSecretNotFound", "PullSecretInvalid",
            "ClaimLost", "Unschedulable", "ErrImagePull", "ImagePullBackOff", "CrashLoopBackOff",
            "CreateContainerConfigError", "CreateContainerError", "RunContainerError", "ExitedWithError");

    private TransitionEvents() {}

    static void emit(EventRecorder events, UnikernelPod ukp, Phase before, Phase after,
                     List<Conditions.Transition> transitions) {
        for (Conditions.Transition t : transitions) {
            String reason = t.condition().getReason();
            if (Conditions.TRUE.equals(t.condition().getStatus())) {
                events.record(ukp, EventRecorder.Type.Normal, reason, t.condition().getMessage());
            } else if (WARNING_REASONS.contains(reason)) {
                events.record(ukp, EventRecorder.Type.Warning, reason, t.condition().getType() + ": "
                        + t.condition().getMessage());
            }
        }
        if (after != before && (after == Phase.Succeeded || after == Phase.Failed)) {
            events.record(ukp, after == Phase.Failed ? EventRecorder.Type.Warning : EventRecorder.Type.Normal,
                    after.name(), "the UnikernelPod is " + after + (before == null ? "" : " (was " + before + ")"));
        }
    }
}
