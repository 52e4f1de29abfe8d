package io.unibloc.operator.pod;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import java.util.Optional;

/**
 * The sandbox container ended inside a Pod that goes on (restartPolicy Always, or OnFailure after an error): the
 * kubelet starts it again with back-off, and {@code kubectl get pod} says CrashLoopBackOff. A guest that powered off
 * cleanly (exit 0) under Always is the restart policy doing its job, not a fault: its reason is
 * {@value #RESTARTING}, which makes no Warning event; an error exit keeps the kubelet's {@value #CRASH_LOOP}.
 *
 * @param exitCode the last run's exit code, {@code null} if unknown
 * @param restarts the container's restartCount
 */
record CrashLoop(Integer exitCode, int restarts) {
    static final String CRASH_LOOP = "CrashLoopBackOff";
    static final String RESTARTING = "RestartingAfterExit";

    /**
     * Present while the kubelet says the container waits in CrashLoopBackOff, or when it has ended and the policy
     * starts it again (a Pod whose phase still says Running a moment after a final exit under Never or a clean
     * OnFailure exit is not one).
     */
    static Optional<CrashLoop> of(Optional<ContainerStatus> sandbox, String restartPolicy) {
        if (sandbox.isEmpty() || sandbox.get().getState() == null) {
            return Optional.empty();
        }
        ContainerStatus s = sandbox.get();
        ContainerState state = s.getState();
        int restarts = s.getRestartCount() == null ? 0 : s.getRestartCount();
        if (state.getWaiting() != null && CRASH_LOOP.equals(state.getWaiting().getReason())) {
            ContainerStateTerminated last =
                    s.getLastState() == null ? null : s.getLastState().getTerminated();
            return Optional.of(new CrashLoop(last == null ? null : last.getExitCode(), restarts));
        }
        if (state.getTerminated() != null
                && !"Never".equals(restartPolicy)
                && !("OnFailure".equals(restartPolicy)
                        && Integer.valueOf(0).equals(state.getTerminated().getExitCode()))) {
            return Optional.of(new CrashLoop(state.getTerminated().getExitCode(), restarts));
        }
        return Optional.empty();
    }

    boolean cleanExit() {
        return exitCode != null && exitCode == 0;
    }

    String reason() {
        return cleanExit() ? RESTARTING : CRASH_LOOP;
    }

    String message(String restartPolicy) {
        String how = exitCode == null ? "ended" : cleanExit() ? "exited successfully" : "exited with code " + exitCode;
        return "the guest " + how + "; restartPolicy " + (restartPolicy == null ? "Always" : restartPolicy)
                + " starts it again with the kubelet's back-off (restarts: " + restarts + ")";
    }
}
