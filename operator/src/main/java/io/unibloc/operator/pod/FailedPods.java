package io.unibloc.operator.pod;

import io.fabric8.kubernetes.api.model.Pod;
import io.unibloc.api.v1alpha1.pod.RestartPolicy;

/**
 * Which ended Pods the operator replaces. kubelet restarts containers in place, but a Pod that was evicted
 * (phase Failed, reason Evicted) or stopped by a node shutdown (reason Terminated or Shutdown) never runs again:
 * with restartPolicy Always (any end) or OnFailure (phase Failed) the UnikernelPod gets a new Pod, as a
 * ReplicaSet would do.
 */
final class FailedPods {
    private FailedPods() {}

    static boolean mustReplace(Pod pod, RestartPolicy policy) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return switch (policy) {
            case Always -> "Failed".equals(phase) || "Succeeded".equals(phase);
            case OnFailure -> "Failed".equals(phase);
            case Never -> false;
        };
    }

    /** "ended in phase Failed (Evicted: the node was low on resource: memory)". */
    static String describe(Pod pod) {
        String reason = pod.getStatus() == null ? null : pod.getStatus().getReason();
        String message = pod.getStatus() == null ? null : pod.getStatus().getMessage();
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        StringBuilder out = new StringBuilder("ended in phase ").append(phase);
        if (reason != null) {
            out.append(" (").append(reason);
            if (message != null && !message.isBlank()) {
                out.append(": ").append(message);
            }
            out.append(')');
        }
        return out.toString();
    }
}
