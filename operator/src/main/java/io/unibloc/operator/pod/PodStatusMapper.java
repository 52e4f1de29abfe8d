package io.unibloc.operator.pod;

import static io.unibloc.api.v1alpha1.UnikernelPodStatus.READY;
import static io.unibloc.api.v1alpha1.UnikernelPodStatus.SANDBOX_STARTED;
import static io.unibloc.api.v1alpha1.UnikernelPodStatus.SCHEDULED;
import static io.unibloc.api.v1alpha1.UnikernelPodStatus.VOLUME_READY;
import static io.unibloc.operator.status.Conditions.FALSE;
import static io.unibloc.operator.status.Conditions.TRUE;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.unibloc.api.v1alpha1.pod.Phase;
import io.unibloc.operator.status.Conditions;
import java.util.List;
import java.util.Optional;

/**
 * Reads the Pod and its root volume claim into the UnikernelPod's conditions VolumeReady, Scheduled,
 * SandboxStarted and Ready, and its phase: Succeeded/Failed when the Pod ended, Running when the sandbox
 * runs and is ready, Booting once the volume is bound on a chosen node, Preparing before that.
 */
public final class PodStatusMapper {

    private PodStatusMapper() {}

    public static Phase apply(Pod pod, PersistentVolumeClaim claim, Conditions conditions) {
        String podName = pod.getMetadata().getName();
        String podPhase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();

        volume(claim, PodNames.claimName(podName), conditions);
        Optional<PodCondition> scheduled = podCondition(pod, "PodScheduled");
        if (scheduled.map(c -> TRUE.equals(c.getStatus())).orElse(node != null)) {
            conditions.set(SCHEDULED, TRUE, "Scheduled", "Pod " + podName + " runs on node " + node);
        } else if (scheduled.isPresent()) {
            PodCondition c = scheduled.get();
            conditions.set(SCHEDULED, FALSE, c.getReason() != null ? c.getReason() : "Unschedulable",
                    c.getMessage() != null ? c.getMessage() : "the scheduler found no node for Pod " + podName);
        } else {
            conditions.set(SCHEDULED, FALSE, "Pending", "waiting for the scheduler to place Pod " + podName);
        }
        sandbox(pod, conditions);

        boolean ready = podCondition(pod, "Ready").map(c -> TRUE.equals(c.getStatus())).orElse(false);
        if ("Succeeded".equals(podPhase)) {
            conditions.set(READY, FALSE, "Succeeded", "the guest exited successfully");
            return Phase.Succeeded;
        }
        if ("Failed".equals(podPhase)) {
            String why = pod.getStatus().getMessage() != null ? pod.getStatus().getMessage()
                    : conditions.get(SANDBOX_STARTED).map(c -> c.getMessage()).orElse("the Pod failed");
            conditions.set(READY, FALSE, "Failed", why);
            return Phase.Failed;
        }
        if ("Running".equals(podPhase) && ready) {
            conditions.set(READY, TRUE, "Running", "the guest runs on node " + node);
            return Phase.Running;
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
            conditions.set(VOLUME_READY, FALSE, "ClaimNotCreated",
                    "waiting for the ephemeral volume controller to create claim " + claimName);
            return;
        }
        String phase = claim.getStatus() == null ? null : claim.getStatus().getPhase();
        if ("Bound".equals(phase)) {
            conditions.set(VOLUME_READY, TRUE, "ClaimBound", "claim " + claimName + " is bound to volume "
                    + claim.getSpec().getVolumeName());
        } else if ("Lost".equals(phase)) {
            conditions.set(VOLUME_READY, FALSE, "ClaimLost", "the volume of claim " + claimName
                    + " is gone; delete the Pod and the operator creates a new one");
        } else {
            conditions.set(VOLUME_READY, FALSE, "ClaimPending", "claim " + claimName
                    + " is waiting for its volume, which is provisioned on the node the Pod is scheduled to");
        }
    }

    private static void sandbox(Pod pod, Conditions conditions) {
        List<ContainerStatus> statuses = pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null
                ? List.of() : pod.getStatus().getContainerStatuses();
        Optional<ContainerStatus> sandbox = statuses.stream()
                .filter(s -> PodNames.SANDBOX_CONTAINER.equals(s.getName())).findFirst();
        ContainerState state = sandbox.map(ContainerStatus::getState).orElse(null);
        if (state != null && state.getRunning() != null) {
            conditions.set(SANDBOX_STARTED, TRUE, "Started", "the sandbox container is running since "
                    + state.getRunning().getStartedAt());
        } else if (state != null && state.getTerminated() != null) {
            var t = state.getTerminated();
            conditions.set(SANDBOX_STARTED, t.getStartedAt() != null ? TRUE : FALSE,
                    t.getExitCode() != null && t.getExitCode() == 0 ? "Exited" : "ExitedWithError",
                    "the guest exited with code " + t.getExitCode()
                            + (t.getReason() != null ? " (" + t.getReason() + ")" : "")
                            + (t.getMessage() != null ? ": " + t.getMessage() : ""));
        } else if (state != null && state.getWaiting() != null) {
            var w = state.getWaiting();
            conditions.set(SANDBOX_STARTED, FALSE, w.getReason() != null ? w.getReason() : "Waiting",
                    w.getMessage() != null ? w.getMessage() : "the sandbox container is waiting to start");
        } else {
            conditions.set(SANDBOX_STARTED, FALSE, "NotStarted", "the kubelet has not started the sandbox yet");
        }
    }

    private static Optional<PodCondition> podCondition(Pod pod, String type) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return pod.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
    }
}
