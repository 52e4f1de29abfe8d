package io.unibloc.operator.pod;

import static io.unibloc.api.status.Conditions.FALSE;
import static io.unibloc.api.status.Conditions.TRUE;
import static io.unibloc.api.status.Conditions.UNKNOWN;
import static io.unibloc.api.v1alpha1.UnikernelPodStatus.BOOTED;
import static io.unibloc.api.v1alpha1.UnikernelPodStatus.READY;
import static io.unibloc.api.v1alpha1.UnikernelPodStatus.SANDBOX_STARTED;
import static io.unibloc.api.v1alpha1.UnikernelPodStatus.SCHEDULED;
import static io.unibloc.api.v1alpha1.UnikernelPodStatus.VOLUME_READY;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.unibloc.api.status.Conditions;
import io.unibloc.api.v1alpha1.pod.Phase;
import io.unibloc.api.wire.ExtendedResources;
import io.unibloc.api.wire.NodeLabels;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Reads the Pod and its root volume claim into the UnikernelPod's conditions VolumeReady, Scheduled,
 * SandboxStarted, Booted and Ready, and its phase, named as {@code kubectl get pod} names the Pod's state:
 * Completed/Failed when the Pod ended, Running only when the Pod is Ready (the sandbox's startup probe passes once the
 * guest wrote to its console), CrashLoopBackOff while the kubelet restarts a guest that ended ({@link CrashLoop}),
 * Booting once the volume is bound on a chosen node, Preparing before that. A sandbox that ended reports why in its termination
 * message ({@link SandboxOutcome}); a boot watchdog that fired makes {@code Booted=False} reason
 * {@code BootTimeout}. A Pod that no node takes for want of KVM gets {@code Scheduled=False} reason
 * {@code NoUsableKvm}.
 */
public final class PodStatusMapper {

    private PodStatusMapper() {}

    public static final String NO_USABLE_KVM = "NoUsableKvm";

    public static Phase apply(Pod pod, PersistentVolumeClaim claim, Conditions conditions) {
        return apply(
                pod,
                claim,
                conditions,
                message -> "no node offers a usable KVM (" + message
                        + "); set sandbox.allowSoftwareEmulation=true to run guests under TCG");
    }

    /**
     * @param noUsableKvm turns the scheduler's message into the {@code NoUsableKvm} message (naming each node's
     *     reason and what to do)
     */
    public static Phase apply(
            Pod pod, PersistentVolumeClaim claim, Conditions conditions, UnaryOperator<String> noUsableKvm) {
        String podName = pod.getMetadata().getName();
        String podPhase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();

        volume(claim, RootClaims.claimOf(pod), conditions);
        Optional<PodCondition> scheduled = podCondition(pod, "PodScheduled");
        if (scheduled.map(c -> TRUE.equals(c.getStatus())).orElse(node != null)) {
            conditions.set(SCHEDULED, TRUE, "Scheduled", "Pod " + podName + " runs on node " + node);
        } else if (scheduled.isPresent()) {
            PodCondition c = scheduled.get();
            String message = c.getMessage() != null ? c.getMessage() : "the scheduler found no node for Pod " + podName;
            if (lacksKvm(pod, c)) {
                conditions.set(SCHEDULED, FALSE, NO_USABLE_KVM, noUsableKvm.apply(message));
            } else {
                conditions.set(SCHEDULED, FALSE, c.getReason() != null ? c.getReason() : "Unschedulable", message);
            }
        } else {
            conditions.set(SCHEDULED, FALSE, "Pending", "waiting for the scheduler to place Pod " + podName);
        }
        sandbox(pod, conditions);
        boolean ready =
                podCondition(pod, "Ready").map(c -> TRUE.equals(c.getStatus())).orElse(false);
        // The kubelet marks the container started once the startup probe (the sandbox's ready file: the guest wrote
        // to its console) passed; a user's readinessProbe decides Ready on its own. Pods made before the startup
        // probe existed have only Ready as the evidence.
        boolean started = ready
                || sandboxStatus(pod)
                        .map(s -> Boolean.TRUE.equals(s.getStarted()))
                        .orElse(false);
        booted(pod, "Running".equals(podPhase) && started, conditions);
        boolean bootTimedOut = conditions
                .get(BOOTED)
                .map(c -> SandboxOutcome.BOOT_TIMEOUT.equals(c.getReason()))
                .orElse(false);

        if ("Succeeded".equals(podPhase)) {
            conditions.set(READY, FALSE, "Completed", "the guest exited successfully");
            return Phase.Completed;
        }
        if ("Failed".equals(podPhase)) {
            String why = pod.getStatus().getMessage() != null
                    ? pod.getStatus().getMessage()
                    : conditions.get(SANDBOX_STARTED).map(c -> c.getMessage()).orElse("the Pod failed");
            conditions.set(
                    READY,
                    FALSE,
                    bootTimedOut ? SandboxOutcome.BOOT_TIMEOUT : "Failed",
                    bootTimedOut ? conditions.get(BOOTED).get().getMessage() : why);
            return Phase.Failed;
        }
        if ("Running".equals(podPhase) && started) {
            if (ready) {
                conditions.set(READY, TRUE, "Running", "the guest runs on node " + node);
            } else {
                conditions.set(
                        READY,
                        FALSE,
                        "GuestNotReady",
                        "the guest runs on node " + node + " but its readinessProbe does not pass (yet)");
            }
            return Phase.Running;
        }
        String policy = restartPolicy(pod);
        Optional<CrashLoop> loop = CrashLoop.of(sandboxStatus(pod), policy);
        if (loop.isPresent()) {
            conditions.set(READY, FALSE, loop.get().reason(), loop.get().message(policy));
            return Phase.CrashLoopBackOff;
        }
        if (bootTimedOut) {
            conditions.set(
                    READY,
                    FALSE,
                    SandboxOutcome.BOOT_TIMEOUT,
                    conditions.get(BOOTED).get().getMessage());
            return Phase.Booting;
        }
        if (conditions.isTrue(VOLUME_READY) && conditions.isTrue(SCHEDULED)) {
            conditions.set(READY, FALSE, "Booting", "the sandbox is starting the guest on node " + node);
            return Phase.Booting;
        }
        conditions.set(READY, FALSE, "Preparing", "waiting for the root volume and a node");
        return Phase.Preparing;
    }

    private static void volume(PersistentVolumeClaim claim, String claimName, Conditions conditions) {
        if (claim == null) {
            conditions.set(VOLUME_READY, FALSE, "ClaimNotCreated", "claim " + claimName + " does not exist (yet)");
            return;
        }
        String phase = claim.getStatus() == null ? null : claim.getStatus().getPhase();
        if ("Bound".equals(phase)) {
            conditions.set(
                    VOLUME_READY,
                    TRUE,
                    "ClaimBound",
                    "claim " + claimName + " is bound to volume "
                            + claim.getSpec().getVolumeName());
        } else if ("Lost".equals(phase)) {
            conditions.set(
                    VOLUME_READY,
                    FALSE,
                    "ClaimLost",
                    "the volume of claim " + claimName + " is gone; delete the Pod and the operator creates a new one");
        } else {
            conditions.set(
                    VOLUME_READY,
                    FALSE,
                    "ClaimPending",
                    "claim " + claimName
                            + " is waiting for its volume, which is provisioned on the node the Pod is scheduled to");
        }
    }

    private static void sandbox(Pod pod, Conditions conditions) {
        List<ContainerStatus> statuses =
                pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null
                        ? List.of()
                        : pod.getStatus().getContainerStatuses();
        Optional<ContainerStatus> sandbox = statuses.stream()
                .filter(s -> PodNames.SANDBOX_CONTAINER.equals(s.getName()))
                .findFirst();
        ContainerState state = sandbox.map(ContainerStatus::getState).orElse(null);
        if (state != null && state.getRunning() != null) {
            conditions.set(
                    SANDBOX_STARTED,
                    TRUE,
                    "Started",
                    "the sandbox container is running since "
                            + state.getRunning().getStartedAt());
        } else if (state != null && state.getTerminated() != null) {
            var t = state.getTerminated();
            conditions.set(
                    SANDBOX_STARTED,
                    t.getStartedAt() != null ? TRUE : FALSE,
                    t.getExitCode() != null && t.getExitCode() == 0 ? "Exited" : "ExitedWithError",
                    "the guest exited with code " + t.getExitCode()
                            + (t.getReason() != null ? " (" + t.getReason() + ")" : "")
                            + (t.getMessage() != null ? ": " + t.getMessage() : ""));
        } else if (state != null && state.getWaiting() != null) {
            var w = state.getWaiting();
            Optional<CrashLoop> loop = CrashLoop.of(sandbox, restartPolicy(pod));
            conditions.set(
                    SANDBOX_STARTED,
                    FALSE,
                    loop.isPresent() ? loop.get().reason() : w.getReason() != null ? w.getReason() : "Waiting",
                    w.getMessage() != null ? w.getMessage() : "the sandbox container is waiting to start");
        } else {
            conditions.set(SANDBOX_STARTED, FALSE, "NotStarted", "the kubelet has not started the sandbox yet");
        }
    }

    /**
     * Booted: True once the Pod is Ready (the guest's first console output); False with the sandbox's reason when
     * the container ended (or ended last time, while the kubelet restarts it); Unknown while it boots.
     */
    private static void booted(Pod pod, boolean running, Conditions conditions) {
        if (running) {
            conditions.set(BOOTED, TRUE, "FirstConsoleOutput", "the guest wrote to its console; it runs");
            return;
        }
        Optional<ContainerStatus> sandbox = sandboxStatus(pod);
        ContainerStateTerminated ended = sandbox.map(ContainerStatus::getState)
                .map(ContainerState::getTerminated)
                .or(() -> sandbox.map(ContainerStatus::getLastState).map(ContainerState::getTerminated))
                .orElse(null);
        if (ended == null) {
            conditions.set(BOOTED, UNKNOWN, "Booting", "waiting for the guest's first console output");
            return;
        }
        Optional<SandboxOutcome> outcome = SandboxOutcome.parse(ended.getMessage());
        if (SandboxOutcome.bootTimedOut(ended.getExitCode(), outcome)) {
            conditions.set(
                    BOOTED,
                    FALSE,
                    SandboxOutcome.BOOT_TIMEOUT,
                    outcome.map(SandboxOutcome::message)
                            .filter(m -> !m.isBlank())
                            .orElse("the sandbox's boot watchdog ended a guest that wrote nothing to"
                                    + " its console within the boot deadline (exit code 124)"));
        } else if (outcome.isPresent()) {
            SandboxOutcome o = outcome.get();
            conditions.set(
                    BOOTED,
                    FALSE,
                    o.reason(),
                    o.message() != null ? o.message() : "the guest ended with exit code " + o.exitCode());
        } else {
            conditions.set(
                    BOOTED,
                    FALSE,
                    "Exited",
                    "the sandbox ended with exit code " + ended.getExitCode()
                            + (ended.getReason() != null ? " (" + ended.getReason() + ")" : ""));
        }
    }

    /** How often the kubelet restarted the sandbox container in this Pod (its {@code restartCount}). */
    public static int restarts(Pod pod) {
        return sandboxStatus(pod).map(ContainerStatus::getRestartCount).orElse(0);
    }

    /** The termination report of the sandbox container's current or last run, if it wrote one. */
    public static Optional<SandboxOutcome> outcome(Pod pod) {
        return sandboxStatus(pod)
                .map(ContainerStatus::getState)
                .map(ContainerState::getTerminated)
                .flatMap(t -> SandboxOutcome.parse(t.getMessage()));
    }

    /**
     * The scheduler found no node because none offers {@code unibloc.io/kvm}: the resource ("Insufficient
     * unibloc.io/kvm", unhealthy devices) or the RuntimeClass's nodeSelector {@code unibloc.io/kvm=true}, which
     * admission copied into the Pod's nodeSelector ("didn't match Pod's node affinity/selector").
     */
    static boolean lacksKvm(Pod pod, PodCondition scheduled) {
        String message = scheduled.getMessage() == null ? "" : scheduled.getMessage();
        if (!"Unschedulable".equals(scheduled.getReason())) {
            return false;
        }
        Map<String, String> selector =
                pod.getSpec() == null ? null : pod.getSpec().getNodeSelector();
        return message.contains(ExtendedResources.KVM)
                || (message.contains("node affinity/selector")
                        && selector != null
                        && selector.containsKey(NodeLabels.KVM));
    }

    private static String restartPolicy(Pod pod) {
        return pod.getSpec() == null ? null : pod.getSpec().getRestartPolicy();
    }

    private static Optional<ContainerStatus> sandboxStatus(Pod pod) {
        List<ContainerStatus> statuses =
                pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null
                        ? List.of()
                        : pod.getStatus().getContainerStatuses();
        return statuses.stream()
                .filter(s -> PodNames.SANDBOX_CONTAINER.equals(s.getName()))
                .findFirst();
    }

    private static Optional<PodCondition> podCondition(Pod pod, String type) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return pod.getStatus().getConditions().stream()
                .filter(c -> type.equals(c.getType()))
                .findFirst();
    }
}
