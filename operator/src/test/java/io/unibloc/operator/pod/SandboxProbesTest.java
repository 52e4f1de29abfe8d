package io.unibloc.operator.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HTTPGetActionBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.TCPSocketActionBuilder;
import io.unibloc.api.v1alpha1.pod.GuestProbe;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The startup probe gives up only after the sandbox's own watchdog would have: the kubelet kills a container whose
 * startup probe failed failureThreshold times in a row, one try per period.
 */
class SandboxProbesTest {

    static Stream<Arguments> timeouts() {
        return Stream.of(
                // The sandbox's defaults: 10 s under KVM, then the one TCG retry with 60 s; plus 30 s of launch.
                Arguments.of("sandbox defaults", null, null, 10 + 60 + 30),
                Arguments.of("node-wide 20 s, KVM try and TCG retry", null, 20, 20 + 20 + 30),
                Arguments.of("the UnikernelPod's 5 s wins over the node's", 5, 120, 5 + 5 + 30),
                Arguments.of("watchdog off: two days", 0, null, 2 * 86_400 + 30));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("timeouts")
    void theKubeletWaitsAtLeastAsLongAsTheWatchdog(String name, Integer spec, Integer node, int expectedSeconds) {
        Probe startup = SandboxProbes.of(spec, node, null, null).startup();
        assertThat(startup.getFailureThreshold() * startup.getPeriodSeconds()).isEqualTo(expectedSeconds);
    }

    @Test
    void startupChecksTheReadyFileEverySecondAndTheUsersProbesBecomeReadinessAndLiveness() {
        GuestProbe tcp = new GuestProbe();
        tcp.setTcpSocket(new TCPSocketActionBuilder().withNewPort(8080).build());
        tcp.setFailureThreshold(7);
        GuestProbe http = new GuestProbe();
        http.setHttpGet(new HTTPGetActionBuilder()
                .withPath("/healthz")
                .withNewPort(8080)
                .build());
        http.setPeriodSeconds(15);
        SandboxProbes.Probes probes = SandboxProbes.of(null, null, tcp, http);
        assertThat(probes.startup().getExec().getCommand()).containsExactly("test", "-f", "/run/unibloc/ready");
        assertThat(probes.startup().getPeriodSeconds()).isEqualTo(1);
        assertThat(probes.startup().getSuccessThreshold()).isEqualTo(1);
        assertThat(probes.readiness().getTcpSocket().getPort().getIntVal()).isEqualTo(8080);
        assertThat(probes.readiness().getFailureThreshold()).isEqualTo(7);
        assertThat(probes.liveness().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(probes.liveness().getPeriodSeconds()).isEqualTo(15);
        assertThat(SandboxProbes.of(null, null, null, null).readiness()).isNull();
        assertThat(SandboxProbes.of(null, null, null, null).liveness()).isNull();
    }
}
