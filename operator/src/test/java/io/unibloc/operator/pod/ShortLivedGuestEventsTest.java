package io.unibloc.operator.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.unibloc.api.status.Conditions;
import io.unibloc.api.v1alpha1.UnikernelPod;
import io.unibloc.api.v1alpha1.pod.Phase;
import io.unibloc.operator.status.EventRecorder;
import io.unibloc.testkit.kube.StrictApiServer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A guest that prints and powers off, followed through the Pod states the kubelet reports, reconcile by reconcile
 * (mapper, then events, conditions carried over): its normal end records no Warning event, under restartPolicy Always
 * (restarted again and again) as under Never; and the phases say what {@code kubectl get pod} says. An error exit
 * still warns. Events go to the strict API server through the real {@link EventRecorder}.
 */
class ShortLivedGuestEventsTest {
    private static final String POWERED_OFF = "{\"reason\":\"PoweredOff\",\"exitCode\":0,\"accel\":\"tcg\"}";
    private static StrictApiServer api;

    @BeforeAll
    static void start() {
        api = StrictApiServer.start();
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void alwaysRestartedCleanExitsWarnNobodyAndShowCrashLoopBackOff() {
        UnikernelPod ukp =
                inNamespace(Fixtures.ukp("hello-always", Fixtures.spec("registry.example/hello:1")), "always");
        List<Phase> phases = follow(
                ukp,
                "Always",
                List.of(
                        pod("Running", false, running(0)),
                        pod("Running", true, running(0)),
                        pod("Running", false, terminated(0, 0, POWERED_OFF)),
                        pod("Running", false, backOff(1, POWERED_OFF)),
                        pod("Running", true, running(1)),
                        pod("Running", false, backOff(2, POWERED_OFF))));
        assertThat(phases)
                .containsExactly(
                        Phase.Booting,
                        Phase.Running,
                        Phase.CrashLoopBackOff,
                        Phase.CrashLoopBackOff,
                        Phase.Running,
                        Phase.CrashLoopBackOff);
        assertThat(warnings("always")).isEmpty();
    }

    @Test
    void neverRestartedCleanExitIsCompletedWithoutWarning() {
        UnikernelPod ukp = inNamespace(Fixtures.ukp("hello-never", Fixtures.spec("registry.example/hello:1")), "never");
        List<Phase> phases = follow(
                ukp,
                "Never",
                List.of(
                        pod("Running", false, running(0)),
                        pod("Running", true, running(0)),
                        pod("Succeeded", false, terminated(0, 0, POWERED_OFF))));
        assertThat(phases).containsExactly(Phase.Booting, Phase.Running, Phase.Completed);
        assertThat(warnings("never")).isEmpty();
        assertThat(events("never")).contains("Normal:Completed");
    }

    /** The test can fail: an error exit under Always is a crash loop that warns. */
    @Test
    void anErrorExitStillWarns() {
        UnikernelPod ukp = inNamespace(Fixtures.ukp("broken", Fixtures.spec("registry.example/hello:1")), "errors");
        follow(
                ukp,
                "Always",
                List.of(
                        pod("Running", true, running(0)),
                        pod("Running", false, backOff(1, "{\"reason\":\"GuestExited\",\"exitCode\":3}", 3))));
        assertThat(warnings("errors")).contains("Warning:CrashLoopBackOff");
    }

    /**
     * A guest stopped because its sandbox got SIGTERM (exit 143, reason Stopped: a liveness kill, a Pod deletion)
     * adds no Warning of its own: the kubelet's Killing or Unhealthy event already names the cause.
     */
    @Test
    void aGuestStoppedBySigtermAddsNoWarningOfItsOwn() {
        UnikernelPod ukp = inNamespace(Fixtures.ukp("stopped", Fixtures.spec("registry.example/hello:1")), "stopped");
        follow(
                ukp,
                "Always",
                List.of(
                        pod("Running", true, running(0)),
                        pod("Running", false, terminated(143, 0, "{\"reason\":\"Stopped\",\"exitCode\":143}"))));
        assertThat(warnings("stopped")).doesNotContain("Warning:Stopped");
    }

    private static UnikernelPod inNamespace(UnikernelPod ukp, String namespace) {
        ukp.getMetadata().setNamespace(namespace);
        return ukp;
    }

    private static List<Phase> follow(UnikernelPod ukp, String policy, List<Pod> states) {
        EventRecorder events = new EventRecorder(api.client(), Clock.systemUTC(), "test");
        List<io.fabric8.kubernetes.api.model.Condition> previous = List.of();
        Phase before = null;
        List<Phase> phases = new ArrayList<>();
        for (Pod state : states) {
            Pod pod = new PodBuilder(state)
                    .editSpec()
                    .withRestartPolicy(policy)
                    .endSpec()
                    .build();
            Conditions c = new Conditions(previous, 1, Instant.now());
            Phase after = PodStatusMapper.apply(pod, claim(), c);
            TransitionEvents.emit(events, ukp, before, after, c.transitions());
            previous = c.list(UnikernelPodReconciler.CONDITION_ORDER);
            before = after;
            phases.add(after);
        }
        return phases;
    }

    private static List<String> warnings(String namespace) {
        return events(namespace).stream().filter(e -> e.startsWith("Warning")).toList();
    }

    private static List<String> events(String namespace) {
        return api.client().v1().events().inNamespace(namespace).list().getItems().stream()
                .map((Event e) -> e.getType() + ":" + e.getReason())
                .toList();
    }

    private static Pod pod(String phase, boolean ready, ContainerStatus sandbox) {
        List<PodCondition> conditions = List.of(
                new PodConditionBuilder()
                        .withType("PodScheduled")
                        .withStatus("True")
                        .build(),
                new PodConditionBuilder()
                        .withType("Ready")
                        .withStatus(ready ? "True" : "False")
                        .build());
        return new PodBuilder()
                .withNewMetadata()
                .withName("guest-0123456789")
                .endMetadata()
                .withNewSpec()
                .withNodeName("node-1")
                .endSpec()
                .withNewStatus()
                .withPhase(phase)
                .withConditions(conditions)
                .withContainerStatuses(sandbox)
                .endStatus()
                .build();
    }

    private static ContainerStatus running(int restarts) {
        return new ContainerStatusBuilder()
                .withName(PodNames.SANDBOX_CONTAINER)
                .withRestartCount(restarts)
                .withNewState()
                .withNewRunning()
                .withStartedAt("2026-01-01T00:00:00Z")
                .endRunning()
                .endState()
                .build();
    }

    private static ContainerStatus terminated(int code, int restarts, String report) {
        return new ContainerStatusBuilder()
                .withName(PodNames.SANDBOX_CONTAINER)
                .withRestartCount(restarts)
                .withNewState()
                .withNewTerminated()
                .withExitCode(code)
                .withReason(code == 0 ? "Completed" : "Error")
                .withMessage(report)
                .withStartedAt("2026-01-01T00:00:00Z")
                .endTerminated()
                .endState()
                .build();
    }

    private static ContainerStatus backOff(int restarts, String report) {
        return backOff(restarts, report, 0);
    }

    private static ContainerStatus backOff(int restarts, String report, int code) {
        return new ContainerStatusBuilder()
                .withName(PodNames.SANDBOX_CONTAINER)
                .withRestartCount(restarts)
                .withNewState()
                .withNewWaiting()
                .withReason("CrashLoopBackOff")
                .withMessage("back-off 10s restarting failed container=sandbox")
                .endWaiting()
                .endState()
                .withLastState(terminated(code, restarts, report).getState())
                .build();
    }

    private static PersistentVolumeClaim claim() {
        return new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName("guest-0123456789-root")
                .endMetadata()
                .withNewSpec()
                .withVolumeName("pvc-1")
                .endSpec()
                .withNewStatus()
                .withPhase("Bound")
                .endStatus()
                .build();
    }
}
