package io.unibloc.operator.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.unibloc.api.status.Conditions;
import io.unibloc.api.v1alpha1.UnikernelPodStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Network condition through a {@code NetworkSetupFailed} crash loop and out of it. */
class NetworkStatusMapperTest {
    private static final String FAILED_REPORT = "{\"reason\":\"NetworkSetupFailed\",\"exitCode\":1,\"accel\":\"tcg\","
            + "\"message\":\"tap mode needs NET_ADMIN: add it or use passt\"}";

    private static ContainerState failedRun() {
        return new ContainerStateBuilder()
                .withNewTerminated()
                .withExitCode(1)
                .withMessage(FAILED_REPORT)
                .endTerminated()
                .build();
    }

    private static ContainerState running() {
        return new ContainerStateBuilder()
                .withNewRunning()
                .withStartedAt("2026-12-06T02:00:00Z")
                .endRunning()
                .build();
    }

    private static Pod pod(ContainerState state, ContainerState last, boolean started) {
        return new PodBuilder()
                .withNewMetadata()
                .withName("web-0123456789")
                .addToAnnotations("unibloc.io/network-mode", "tap")
                .endMetadata()
                .withNewStatus()
                .withPhase("Running")
                .withContainerStatuses(new ContainerStatusBuilder()
                        .withName(PodNames.SANDBOX_CONTAINER)
                        .withState(state)
                        .withLastState(last)
                        .withStarted(started)
                        .withRestartCount(3)
                        .build())
                .endStatus()
                .build();
    }

    private static String network(Pod pod) {
        Conditions conditions = new Conditions(List.of(), 1L, Instant.parse("2026-12-06T02:00:00Z"));
        NetworkStatusMapper.apply(pod, conditions);
        var c = conditions.get(UnikernelPodStatus.NETWORK).orElseThrow();
        return c.getStatus() + "/" + c.getReason();
    }

    @Test
    void aRestartThatHasNotGotPastNetworkSetupKeepsTheFailure() {
        assertThat(network(pod(running(), failedRun(), false))).isEqualTo("False/NetworkSetupFailed");
    }

    @Test
    void theFailureStandsWhileTheKubeletBacksOff() {
        ContainerState backOff = new ContainerStateBuilder()
                .withNewWaiting()
                .withReason("CrashLoopBackOff")
                .endWaiting()
                .build();
        assertThat(network(pod(backOff, failedRun(), false))).isEqualTo("False/NetworkSetupFailed");
        assertThat(network(pod(failedRun(), null, false))).isEqualTo("False/NetworkSetupFailed");
    }

    @Test
    void aRunWhoseGuestBootedIsPastNetworkSetup() {
        assertThat(network(pod(running(), failedRun(), true))).isEqualTo("True/TapMode");
    }
}
