package io.unibloc.operator.pod;

import io.unibloc.api.status.Conditions;
import io.unibloc.api.v1alpha1.UnikernelPod;
import io.unibloc.api.v1alpha1.pod.Phase;
import io.unibloc.operator.status.EventRecorder;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns one reconcile's changes into Events: Warning for each condition that changed to a reason a user
 * must act on (a guest that exited with an error, a registry that refused; one per reason and message, however many
 * conditions show it), and one for the guest's end (Completed or Failed); the normal end of a short-lived guest (exit
 * 0, restarted under Always or not at all) makes no Warning. Progress (a condition becoming True) is no Event: the
 * conditions record it with their transition times, and
 * an Event per step cost six API requests per UnikernelPod (issue 17). Unchanged conditions emit nothing, so a quiet
 * resource stays quiet.
 */
final class TransitionEvents {
    static final Set<String> WARNING_REASONS = Set.of(
            "InvalidSpec",
            "InvalidImage",
            "ImageNotFound",
            "RegistryAuthFailed",
            "RegistryUnavailable",
            "PinFailed",
            "PullSecretNotFound",
            "PullSecretInvalid",
            "ClaimLost",
            "Unschedulable",
            "ErrImagePull",
            "ImagePullBackOff",
            "CrashLoopBackOff",
            "CreateContainerConfigError",
            "CreateContainerError",
            "RunContainerError",
            "ExitedWithError",
            "RuntimeClassMissing",
            "PodCreateForbidden",
            "PodInvalid",
            "StorageClassMissing",
            SandboxOutcome.BOOT_TIMEOUT,
            "GuestReset",
            "Killed",
            "VmmFailed",
            "SandboxFailed",
            NetworkStatusMapper.NETWORK_SETUP_FAILED,
            // Not the sandbox's Stopped (SIGTERM, exit 143): whoever stopped it already said why — the kubelet's
            // Killing and Unhealthy events for a liveness kill, the user's own delete — and a second Warning would
            // only repeat it; a stop that keeps recurring still warns as CrashLoopBackOff.
            "NetworkModeForbidden",
            PodStatusMapper.NO_USABLE_KVM);

    private TransitionEvents() {}

    static void emit(
            EventRecorder events,
            UnikernelPod ukp,
            Phase before,
            Phase after,
            List<Conditions.Transition> transitions) {
        Set<String> warned = new HashSet<>();
        for (Conditions.Transition t : transitions) {
            String reason = t.condition().getReason();
            if (WARNING_REASONS.contains(reason)) {
                // One cause seen by two conditions (Network and Booted after NetworkSetupFailed) is one Event.
                if (!warned.add(reason + "\n" + t.condition().getMessage())) {
                    continue;
                }
                events.record(
                        ukp,
                        EventRecorder.Type.Warning,
                        reason,
                        t.condition().getType() + ": " + t.condition().getMessage());
            }
        }
        if (after != before && (after == Phase.Completed || after == Phase.Failed)) {
            events.record(
                    ukp,
                    after == Phase.Failed ? EventRecorder.Type.Warning : EventRecorder.Type.Normal,
                    after.name(),
                    "the UnikernelPod is " + after + (before == null ? "" : " (was " + before + ")"));
        }
    }
}
