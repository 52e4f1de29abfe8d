package io.unibloc.operator.pod;

import static io.unibloc.operator.pod.SpecValidatorTest.probe;
import static io.unibloc.operator.pod.SpecValidatorTest.tcp;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetActionBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.unibloc.api.v1alpha1.UnikernelPod;
import io.unibloc.api.v1alpha1.UnikernelPodSpec;
import io.unibloc.api.v1alpha1.pod.GuestPort;
import io.unibloc.api.v1alpha1.pod.Network;
import io.unibloc.api.v1alpha1.pod.Protocol;
import io.unibloc.operator.network.NetworkPlan;
import io.unibloc.sandbox.spec.BootSpec;
import io.unibloc.sandbox.spec.BootSpecReader;
import io.unibloc.types.NetworkMode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sandbox Pod per network mode: what each mode adds (and what it must not add), and the boot spec it carries. */
class NetworkPodTest {
    private static final BootSpecReader READER = new BootSpecReader();

    private static UnikernelPod web(NetworkMode mode) {
        UnikernelPodSpec spec = Fixtures.spec("registry.example.com/web:1");
        if (mode != null) {
            spec.setNetwork(new Network(mode));
        }
        spec.setPorts(List.of(new GuestPort("http", 8080, null), new GuestPort("dns", 53, Protocol.UDP)));
        return Fixtures.ukp("web", spec);
    }

    private static Pod build(UnikernelPod ukp, PodSettings settings) {
        return PodFactory.build(ukp, Fixtures.pinned(ukp.getSpec().getImage(), Map.of()), "0123456789", settings);
    }

    private static Container sandbox(Pod pod) {
        return pod.getSpec().getContainers().get(0);
    }

    private static BootSpec boot(Pod pod) {
        return READER.read(sandbox(pod).getEnv().stream()
                .filter(e -> e.getName().equals(PodNames.BOOT_SPEC_ENV))
                .map(EnvVar::getValue)
                .findFirst()
                .orElseThrow());
    }

    @Test
    void tapAddsNetAdminAndNothingPrivilegedNorANewResource() {
        Pod pod = build(web(NetworkMode.TAP), Fixtures.SETTINGS);
        Container c = sandbox(pod);
        assertThat(c.getSecurityContext().getCapabilities().getAdd()).containsExactly("NET_ADMIN");
        assertThat(c.getSecurityContext().getPrivileged()).isFalse();
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getResources().getLimits())
                .as("/dev/net/tun comes with the unibloc.io/kvm device: no other extended resource")
                .containsOnlyKeys("memory", "unibloc.io/kvm");
        assertThat(pod.getSpec().getVolumes()).noneMatch(v -> v.getHostPath() != null);
        assertThat(pod.getMetadata().getAnnotations())
                .containsEntry("unibloc.io/network-mode", "tap")
                .doesNotContainKey("unibloc.io/network-fallback");
        assertThat(boot(pod).network().effectiveMode()).isEqualTo(io.unibloc.types.NetworkMode.TAP);
    }

    @Test
    void passtAddsNoCapabilityAndForwardsTheSpecsAndTheProbesPorts() {
        UnikernelPod ukp = web(NetworkMode.PASST);
        ukp.getSpec()
                .setReadinessProbe(probe(p -> p.setHttpGet(new HTTPGetActionBuilder()
                        .withPath("/healthz")
                        .withNewPort("http")
                        .build())));
        ukp.getSpec().setLivenessProbe(probe(p -> p.setTcpSocket(tcp(9090))));
        Pod pod = build(ukp, Fixtures.SETTINGS);
        assertThat(sandbox(pod).getSecurityContext().getCapabilities()).isNull();
        assertThat(pod.getMetadata().getAnnotations()).containsEntry("unibloc.io/network-mode", "passt");
        BootSpec boot = boot(pod);
        assertThat(boot.network().effectiveMode()).isEqualTo(io.unibloc.types.NetworkMode.PASST);
        assertThat(boot.network().ports())
                .as("spec.ports, then the liveness port passt must forward too; the named readiness port once")
                .containsExactly(
                        new io.unibloc.sandbox.spec.GuestPort(8080, "TCP"),
                        new io.unibloc.sandbox.spec.GuestPort(53, "UDP"),
                        new io.unibloc.sandbox.spec.GuestPort(9090, "TCP"));
    }

    @Test
    void noneIsThePodWithoutNetworkingPrivilegesAndTheBootSpecSaysNone() {
        Pod pod = build(web(NetworkMode.NONE), Fixtures.SETTINGS);
        assertThat(sandbox(pod).getSecurityContext().getCapabilities()).isNull();
        assertThat(boot(pod).network()).isEqualTo(io.unibloc.sandbox.spec.NetworkSpec.none());
        assertThat(pod.getMetadata().getAnnotations()).containsEntry("unibloc.io/network-mode", "none");
    }

    @Test
    void portsBecomeTheContainersPortsInEveryMode() {
        for (NetworkMode mode : List.of(NetworkMode.TAP, NetworkMode.PASST, NetworkMode.AUTO)) {
            assertThat(sandbox(build(web(mode), Fixtures.SETTINGS)).getPorts())
                    .as("mode %s", mode)
                    .extracting(ContainerPort::getName, ContainerPort::getContainerPort, ContainerPort::getProtocol)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("http", 8080, "TCP"),
                            org.assertj.core.groups.Tuple.tuple("dns", 53, "UDP"));
        }
    }

    @Test
    void unsetModeTakesTheOperatorsDefaultAndAutoTriesTapFirst() {
        assertThat(boot(build(web(null), Fixtures.SETTINGS)).network().effectiveMode())
                .as("default auto → tap first")
                .isEqualTo(io.unibloc.types.NetworkMode.TAP);
        assertThat(boot(build(web(null), Fixtures.SETTINGS.withDefaultNetworkMode(NetworkMode.PASST)))
                        .network()
                        .effectiveMode())
                .isEqualTo(io.unibloc.types.NetworkMode.PASST);
        assertThat(boot(build(web(NetworkMode.TAP), Fixtures.SETTINGS.withDefaultNetworkMode(NetworkMode.NONE)))
                        .network()
                        .effectiveMode())
                .as("the spec wins over the default")
                .isEqualTo(io.unibloc.types.NetworkMode.TAP);
    }

    @Test
    void aFallbackPodIsPasstAndSaysWhyInItsAnnotation() {
        UnikernelPod ukp = web(null);
        Pod pod = PodFactory.build(
                ukp,
                Fixtures.pinned(ukp.getSpec().getImage(), Map.of()),
                "0123456789",
                Fixtures.SETTINGS,
                new NetworkPlan(NetworkMode.TAP, true, null).fallBack("baseline forbids NET_ADMIN"));
        assertThat(sandbox(pod).getSecurityContext().getCapabilities()).isNull();
        assertThat(pod.getMetadata().getAnnotations())
                .containsEntry("unibloc.io/network-mode", "passt")
                .containsEntry("unibloc.io/network-fallback", "baseline forbids NET_ADMIN");
    }

    @Test
    void theUsersProbesPassThroughAndTheBootSignalStaysWithoutOne() {
        UnikernelPod ukp = web(NetworkMode.TAP);
        Container without = sandbox(build(ukp, Fixtures.SETTINGS));
        assertThat(without.getStartupProbe().getExec())
                .as("no user probe: Ready still means the guest wrote to its console (the startup probe)")
                .isNotNull();
        assertThat(without.getReadinessProbe()).isNull();
        assertThat(without.getLivenessProbe()).isNull();

        ukp.getSpec().setReadinessProbe(probe(p -> {
            p.setHttpGet(new HTTPGetActionBuilder()
                    .withPath("/healthz")
                    .withNewPort("http")
                    .build());
            p.setPeriodSeconds(5);
        }));
        ukp.getSpec().setLivenessProbe(probe(p -> {
            p.setTcpSocket(tcp(8080));
            p.setFailureThreshold(6);
        }));
        Container with = sandbox(build(ukp, Fixtures.SETTINGS));
        assertThat(with.getReadinessProbe().getExec()).isNull();
        assertThat(with.getStartupProbe().getExec())
                .as("the user's readiness starts after the guest's first console output")
                .isNotNull();
        assertThat(with.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(with.getReadinessProbe().getHttpGet().getPort()).isEqualTo(new IntOrString("http"));
        assertThat(with.getReadinessProbe().getPeriodSeconds()).isEqualTo(5);
        assertThat(with.getLivenessProbe().getTcpSocket().getPort()).isEqualTo(new IntOrString(8080));
        assertThat(with.getLivenessProbe().getFailureThreshold()).isEqualTo(6);
        assertThat(with.getLivenessProbe().getExec()).isNull();
    }
}
