package io.unibloc.operator.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.unibloc.api.status.Conditions;
import io.unibloc.api.v1alpha1.pod.Phase;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One case per state a Pod and its claim go through, with the phase and conditions that must follow. */
class PodStatusMapperTest {
    private static final String POD = "web-0123456789";

    record Expect(Phase phase, String volume, String scheduled, String sandbox, String ready) {}

    static Stream<Arguments> states() {
        return Stream.of(
                Arguments.of(
                        "just created, no claim yet",
                        pod("Pending", null, List.of(), null),
                        null,
                        new Expect(
                                Phase.Preparing,
                                "False/ClaimNotCreated",
                                "False/Pending",
                                "False/NotStarted",
                                "False/Preparing")),
                Arguments.of(
                        "claim waits for first consumer",
                        pod("Pending", null, List.of(), null),
                        claim("Pending"),
                        new Expect(
                                Phase.Preparing,
                                "False/ClaimPending",
                                "False/Pending",
                                "False/NotStarted",
                                "False/Preparing")),
                Arguments.of(
                        "unschedulable",
                        pod(
                                "Pending",
                                null,
                                List.of(cond(
                                        "PodScheduled",
                                        "False",
                                        "Unschedulable",
                                        "0/3 nodes are available: 3 Insufficient memory.")),
                                null),
                        claim("Pending"),
                        new Expect(
                                Phase.Preparing,
                                "False/ClaimPending",
                                "False/Unschedulable",
                                "False/NotStarted",
                                "False/Preparing")),
                Arguments.of(
                        "no node offers unibloc.io/kvm",
                        pod(
                                "Pending",
                                null,
                                List.of(cond(
                                        "PodScheduled",
                                        "False",
                                        "Unschedulable",
                                        "0/3 nodes are available: 3 Insufficient unibloc.io/kvm.")),
                                null),
                        claim("Pending"),
                        new Expect(
                                Phase.Preparing,
                                "False/ClaimPending",
                                "False/NoUsableKvm",
                                "False/NotStarted",
                                "False/Preparing")),
                Arguments.of(
                        "scheduled and bound, container creating",
                        pod(
                                "Pending",
                                "node-1",
                                List.of(cond("PodScheduled", "True", null, null)),
                                waiting("ContainerCreating")),
                        claim("Bound"),
                        new Expect(
                                Phase.Booting,
                                "True/ClaimBound",
                                "True/Scheduled",
                                "False/ContainerCreating",
                                "False/Booting")),
                Arguments.of(
                        "sandbox image cannot be pulled",
                        pod(
                                "Pending",
                                "node-1",
                                List.of(cond("PodScheduled", "True", null, null)),
                                waiting("ImagePullBackOff")),
                        claim("Bound"),
                        new Expect(
                                Phase.Booting,
                                "True/ClaimBound",
                                "True/Scheduled",
                                "False/ImagePullBackOff",
                                "False/Booting")),
                Arguments.of(
                        "running, not ready yet",
                        pod(
                                "Running",
                                "node-1",
                                List.of(cond("PodScheduled", "True", null, null), cond("Ready", "False", null, null)),
                                running()),
                        claim("Bound"),
                        new Expect(
                                Phase.Booting, "True/ClaimBound", "True/Scheduled", "True/Started", "False/Booting")),
                Arguments.of(
                        "running and ready",
                        pod(
                                "Running",
                                "node-1",
                                List.of(cond("PodScheduled", "True", null, null), cond("Ready", "True", null, null)),
                                running()),
                        claim("Bound"),
                        new Expect(Phase.Running, "True/ClaimBound", "True/Scheduled", "True/Started", "True/Running")),
                Arguments.of(
                        "crash looping",
                        pod(
                                "Running",
                                "node-1",
                                List.of(cond("PodScheduled", "True", null, null), cond("Ready", "False", null, null)),
                                waiting("CrashLoopBackOff")),
                        claim("Bound"),
                        new Expect(
                                Phase.CrashLoopBackOff,
                                "True/ClaimBound",
                                "True/Scheduled",
                                "False/CrashLoopBackOff",
                                "False/CrashLoopBackOff")),
                Arguments.of(
                        "crash looping after an error exit",
                        pod(
                                "Running",
                                "node-1",
                                List.of(cond("PodScheduled", "True", null, null), cond("Ready", "False", null, null)),
                                backOffAfter(1, 4)),
                        claim("Bound"),
                        new Expect(
                                Phase.CrashLoopBackOff,
                                "True/ClaimBound",
                                "True/Scheduled",
                                "False/CrashLoopBackOff",
                                "False/CrashLoopBackOff")),
                Arguments.of(
                        "a guest that printed and powered off, restarted under Always",
                        pod(
                                "Running",
                                "node-1",
                                List.of(cond("PodScheduled", "True", null, null), cond("Ready", "False", null, null)),
                                backOffAfter(0, 3)),
                        claim("Bound"),
                        new Expect(
                                Phase.CrashLoopBackOff,
                                "True/ClaimBound",
                                "True/Scheduled",
                                "False/RestartingAfterExit",
                                "False/RestartingAfterExit")),
                Arguments.of(
                        "ended, the kubelet has not restarted it yet (Always)",
                        pod(
                                "Running",
                                "node-1",
                                List.of(cond("PodScheduled", "True", null, null), cond("Ready", "False", null, null)),
                                terminated(0)),
                        claim("Bound"),
                        new Expect(
                                Phase.CrashLoopBackOff,
                                "True/ClaimBound",
                                "True/Scheduled",
                                "True/Exited",
                                "False/RestartingAfterExit")),
                Arguments.of(
                        "guest exited 0",
                        pod("Succeeded", "node-1", List.of(cond("PodScheduled", "True", null, null)), terminated(0)),
                        claim("Bound"),
                        new Expect(
                                Phase.Completed,
                                "True/ClaimBound",
                                "True/Scheduled",
                                "True/Exited",
                                "False/Completed")),
                Arguments.of(
                        "guest exited 3",
                        pod("Failed", "node-1", List.of(cond("PodScheduled", "True", null, null)), terminated(3)),
                        claim("Bound"),
                        new Expect(
                                Phase.Failed,
                                "True/ClaimBound",
                                "True/Scheduled",
                                "True/ExitedWithError",
                                "False/Failed")),
                Arguments.of(
                        "volume lost",
                        pod("Running", "node-1", List.of(cond("PodScheduled", "True", null, null)), running()),
                        claim("Lost"),
                        new Expect(
                                Phase.Preparing,
                                "False/ClaimLost",
                                "True/Scheduled",
                                "True/Started",
                                "False/Preparing")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("states")
    void mapsPodAndClaim(String name, Pod pod, PersistentVolumeClaim claim, Expect expect) {
        Conditions c = new Conditions(List.of(), 1, Instant.parse("2026-01-01T00:00:00Z"));
        Phase phase = PodStatusMapper.apply(pod, claim, c);
        assertThat(phase).isEqualTo(expect.phase());
        assertThat(summary(c, "VolumeReady")).isEqualTo(expect.volume());
        assertThat(summary(c, "Scheduled")).isEqualTo(expect.scheduled());
        assertThat(summary(c, "SandboxStarted")).isEqualTo(expect.sandbox());
        assertThat(summary(c, "Ready")).isEqualTo(expect.ready());
        c.get("Ready").ifPresent(r -> assertThat(r.getMessage()).isNotBlank());
    }

    /** Maps a Pod with a bound claim; the phase is left in {@link #phase}. */
    private Conditions mapped(Pod pod) {
        Conditions fresh = new Conditions(List.of(), 1, Instant.parse("2026-01-01T00:00:00Z"));
        phase = PodStatusMapper.apply(pod, claim("Bound"), fresh);
        return fresh;
    }

    private Phase phase;

    @Test
    void bootedAndRunningOnlyOnceThePodIsReady() {
        List<io.fabric8.kubernetes.api.model.PodCondition> scheduled =
                List.of(cond("PodScheduled", "True", null, null), cond("Ready", "False", "ContainersNotReady", null));
        Conditions booting = mapped(pod("Running", "node-1", scheduled, running()));
        assertThat(phase).as("a running container is no running guest").isEqualTo(Phase.Booting);
        assertThat(summary(booting, "Booted")).isEqualTo("Unknown/Booting");
        assertThat(summary(booting, "Ready")).isEqualTo("False/Booting");

        Conditions ready = mapped(pod(
                "Running",
                "node-1",
                List.of(cond("PodScheduled", "True", null, null), cond("Ready", "True", null, null)),
                running()));
        assertThat(phase).isEqualTo(Phase.Running);
        assertThat(summary(ready, "Booted")).isEqualTo("True/FirstConsoleOutput");
        assertThat(summary(ready, "Ready")).isEqualTo("True/Running");
    }

    @Test
    void aBootedGuestWhoseReadinessProbeFailsIsRunningButNotReady() {
        // The startup probe (the ready file) passed, so the kubelet says started; the user's readinessProbe has not.
        io.fabric8.kubernetes.api.model.ContainerStatus started =
                new ContainerStatusBuilder(running()).withStarted(true).build();
        Conditions c = mapped(pod(
                "Running",
                "node-1",
                List.of(cond("PodScheduled", "True", null, null), cond("Ready", "False", "ContainersNotReady", null)),
                started));
        assertThat(phase).as("the guest booted: it is no longer Booting").isEqualTo(Phase.Running);
        assertThat(summary(c, "Booted")).isEqualTo("True/FirstConsoleOutput");
        assertThat(summary(c, "Ready")).isEqualTo("False/GuestNotReady");
    }

    @Test
    void aBootTimeoutIsReportedWithTheSandboxsMessageAndAccelerator() {
        String report = "{\"reason\":\"BootTimeout\",\"exitCode\":124,\"accel\":\"tcg\",\"message\":"
                + "\"boot watchdog: no console output within 60000 ms under tcg on machine pc; last console bytes: none\"}";
        Pod failed =
                pod("Failed", "node-1", List.of(cond("PodScheduled", "True", null, null)), terminated(124, report));
        Conditions c = mapped(failed);
        assertThat(phase).isEqualTo(Phase.Failed);
        assertThat(summary(c, "Booted")).isEqualTo("False/BootTimeout");
        assertThat(c.get("Booted").get().getMessage()).contains("no console output within 60000 ms under tcg");
        assertThat(summary(c, "Ready")).isEqualTo("False/BootTimeout");
        assertThat(PodStatusMapper.outcome(failed)).get().satisfies(o -> {
            assertThat(o.accel()).isEqualTo("tcg");
            assertThat(o.exitCode()).isEqualTo(124);
        });

        // restartPolicy Always: the kubelet restarts the sandbox; the last run's timeout stays visible, not Ready.
        io.fabric8.kubernetes.api.model.ContainerStatus restarted = new ContainerStatusBuilder(running())
                .withNewLastState()
                .withNewTerminated()
                .withExitCode(124)
                .withReason("Error")
                .endTerminated()
                .endLastState()
                .build();
        Conditions again = mapped(pod(
                "Running",
                "node-1",
                List.of(cond("PodScheduled", "True", null, null), cond("Ready", "False", null, null)),
                restarted));
        assertThat(phase).isEqualTo(Phase.Booting);
        assertThat(summary(again, "Booted"))
                .as("exit 124 without a report is a timeout too")
                .isEqualTo("False/BootTimeout");
        assertThat(summary(again, "Ready")).isEqualTo("False/BootTimeout");
    }

    @Test
    void otherEndingsMapToTheSandboxsReason() {
        String report =
                "{\"reason\":\"GuestReset\",\"exitCode\":126,\"accel\":\"kvm\",\"message\":\"the guest reset\"}";
        Conditions c = mapped(
                pod("Failed", "node-1", List.of(cond("PodScheduled", "True", null, null)), terminated(126, report)));
        assertThat(summary(c, "Booted")).isEqualTo("False/GuestReset");
        assertThat(summary(c, "Ready")).isEqualTo("False/Failed");
        Conditions plain =
                mapped(pod("Failed", "node-1", List.of(cond("PodScheduled", "True", null, null)), terminated(3)));
        assertThat(summary(plain, "Booted")).isEqualTo("False/Exited");
    }

    @Test
    void aRuntimeClassSelectorNoNodeMatchesIsNoUsableKvmWithAHint() {
        Pod pod = new PodBuilder(pod(
                        "Pending",
                        null,
                        List.of(cond(
                                "PodScheduled",
                                "False",
                                "Unschedulable",
                                "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector.")),
                        null))
                .editSpec()
                .withNodeSelector(Map.of("unibloc.io/kvm", "true"))
                .endSpec()
                .build();
        Conditions c = new Conditions(List.of(), 1, Instant.parse("2026-01-01T00:00:00Z"));
        PodStatusMapper.apply(pod, claim("Pending"), c);
        assertThat(summary(c, "Scheduled")).isEqualTo("False/NoUsableKvm");
        assertThat(c.get("Scheduled").get().getMessage())
                .contains("didn't match")
                .contains("sandbox.allowSoftwareEmulation=true");

        Pod other = new PodBuilder(pod)
                .editSpec()
                .withNodeSelector(Map.of("pool", "gpu"))
                .endSpec()
                .build();
        Conditions o = new Conditions(List.of(), 1, Instant.parse("2026-01-01T00:00:00Z"));
        PodStatusMapper.apply(other, claim("Pending"), o);
        assertThat(summary(o, "Scheduled"))
                .as("another selector is not about KVM")
                .isEqualTo("False/Unschedulable");
    }

    private static io.fabric8.kubernetes.api.model.ContainerStatus terminated(int code, String message) {
        return new ContainerStatusBuilder(terminated(code))
                .editState()
                .editTerminated()
                .withMessage(message)
                .endTerminated()
                .endState()
                .build();
    }

    private static String summary(Conditions c, String type) {
        return c.get(type).map(x -> x.getStatus() + "/" + x.getReason()).orElse("absent");
    }

    private static Pod pod(
            String phase,
            String node,
            List<io.fabric8.kubernetes.api.model.PodCondition> conditions,
            io.fabric8.kubernetes.api.model.ContainerStatus sandbox) {
        return new PodBuilder()
                .withNewMetadata()
                .withName(POD)
                .withNamespace("apps")
                .endMetadata()
                .withNewSpec()
                .withNodeName(node)
                .endSpec()
                .withNewStatus()
                .withPhase(phase)
                .withConditions(conditions)
                .withContainerStatuses(sandbox == null ? List.of() : List.of(sandbox))
                .endStatus()
                .build();
    }

    private static io.fabric8.kubernetes.api.model.PodCondition cond(
            String type, String status, String reason, String message) {
        return new PodConditionBuilder()
                .withType(type)
                .withStatus(status)
                .withReason(reason)
                .withMessage(message)
                .build();
    }

    private static io.fabric8.kubernetes.api.model.ContainerStatus waiting(String reason) {
        return new ContainerStatusBuilder()
                .withName("sandbox")
                .withNewState()
                .withNewWaiting()
                .withReason(reason)
                .endWaiting()
                .endState()
                .build();
    }

    /** Waiting in CrashLoopBackOff after {@code restarts} restarts, the last run having exited with {@code code}. */
    private static io.fabric8.kubernetes.api.model.ContainerStatus backOffAfter(int code, int restarts) {
        return new ContainerStatusBuilder(waiting("CrashLoopBackOff"))
                .withRestartCount(restarts)
                .withLastState(terminated(code).getState())
                .build();
    }

    @Test
    void restartsAreTheSandboxContainersRestartCount() {
        Pod pod = pod("Running", "node-1", List.of(cond("PodScheduled", "True", null, null)), backOffAfter(0, 7));
        assertThat(PodStatusMapper.restarts(pod)).isEqualTo(7);
        assertThat(PodStatusMapper.restarts(pod("Pending", null, List.of(), null)))
                .isZero();
    }

    @Test
    void aGuestEndingUnderNeverIsCompletedNotACrashLoopEvenBeforeThePodPhaseCatchesUp() {
        Pod pod = new PodBuilder(pod(
                        "Running",
                        "node-1",
                        List.of(cond("PodScheduled", "True", null, null), cond("Ready", "False", null, null)),
                        terminated(0)))
                .editSpec()
                .withRestartPolicy("Never")
                .endSpec()
                .build();
        Conditions c = new Conditions(List.of(), 1, Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(PodStatusMapper.apply(pod, claim("Bound"), c)).isNotEqualTo(Phase.CrashLoopBackOff);
    }

    private static io.fabric8.kubernetes.api.model.ContainerStatus running() {
        return new ContainerStatusBuilder()
                .withName("sandbox")
                .withNewState()
                .withNewRunning()
                .withStartedAt("2026-01-01T00:00:00Z")
                .endRunning()
                .endState()
                .build();
    }

    private static io.fabric8.kubernetes.api.model.ContainerStatus terminated(int code) {
        return new ContainerStatusBuilder()
                .withName("sandbox")
                .withNewState()
                .withNewTerminated()
                .withExitCode(code)
                .withReason(code == 0 ? "Completed" : "Error")
                .withStartedAt("2026-01-01T00:00:00Z")
                .endTerminated()
                .endState()
                .build();
    }

    private static PersistentVolumeClaim claim(String phase) {
        return new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName(POD + "-root")
                .endMetadata()
                .withNewSpec()
                .withVolumeName("pvc-1")
                .endSpec()
                .withNewStatus()
                .withPhase(phase)
                .endStatus()
                .build();
    }
}
