package io.unibloc.e2e.chart;

import static io.unibloc.e2e.chart.ChartSocketsTest.args;
import static io.unibloc.e2e.chart.ChartSocketsTest.assertUnderHostPathAtSamePath;
import static io.unibloc.e2e.chart.ChartSocketsTest.container;
import static io.unibloc.e2e.chart.ChartSocketsTest.flag;
import static io.unibloc.e2e.chart.ChartSocketsTest.workload;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.unibloc.csi.node.kvm.KvmAvailability;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * What a first install on a stock node (kubelet + containerd + runc, nothing prepared) tripped over: a store
 * hostPath that is not a shared mount, {@code --set kvm.mode=false} refused, the registrar's 1 s default timeout
 * and probe timeouts shorter than a warming JVM needs.
 */
class ChartStockNodeTest {
    private static final HelmChart CHART = HelmChart.inRepository();

    static Stream<Arguments> kvmModes() {
        return Stream.of(
                Arguments.of("set-boolean-true", true, "true"),
                Arguments.of("set-boolean-false", false, "false"),
                Arguments.of("string-true", "true", "true"),
                Arguments.of("string-false", "false", "false"),
                Arguments.of("string-auto", "auto", "auto"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kvmModes")
    void kvmModeTakesWhatSetProducesAndTheNodePluginUnderstandsTheFlag(String name, Object mode, String flag) {
        Container node = container(workload(CHART.render(Values.of(name, "kvm.mode", mode)), "csi-node"), "csi-node");

        assertThat(flag(node, "--kvm")).isEqualTo(flag);
        io.unibloc.csi.node.Main main = new io.unibloc.csi.node.Main();
        new CommandLine(main).parseArgs(args(node).toArray(String[]::new));
        if (!flag.equals("auto")) {
            // true/false decide without probing; what the plugin makes of the flag is what the value meant.
            assertThat(KvmAvailability.decide(flag, Path.of("/dev/kvm"), null, () -> {
                                throw new AssertionError("a forced mode boots no probe guest");
                            })
                            .usable())
                    .isEqualTo(Boolean.parseBoolean(flag));
        }
    }

    @Test
    void defaultStoreLiesUnderKubeletsSharedPluginsDirWithoutAMountOfItsOwn() {
        PodSpec pod = workload(CHART.render(Values.defaults()), "csi-node");
        Container node = container(pod, "csi-node");

        assertThat(flag(node, "--store-dir")).isEqualTo("/var/lib/kubelet/plugins/unibloc.io/store");
        assertUnderHostPathAtSamePath(pod, node, flag(node, "--store-dir"), "Bidirectional");
        assertThat(pod.getVolumes())
                .extracting(Volume::getHostPath)
                .filteredOn(Objects::nonNull)
                .extracting(h -> h.getPath())
                .as("no hostPath of its own for the store")
                .doesNotContain("/var/lib/kubelet/plugins/unibloc.io/store", "/var/lib/unibloc");
        assertNoMountNestedInABidirectionalOne(node);
    }

    @Test
    void defaultStoreFollowsAMovedKubeletDir() {
        PodSpec pod =
                workload(CHART.render(Values.of("k0s", "csiNode.kubeletDir", "/var/lib/k0s/kubelet/")), "csi-node");
        Container node = container(pod, "csi-node");

        assertThat(flag(node, "--store-dir")).isEqualTo("/var/lib/k0s/kubelet/plugins/unibloc.io/store");
        assertUnderHostPathAtSamePath(pod, node, flag(node, "--store-dir"), "Bidirectional");
    }

    @Test
    void aStoreElsewhereGetsItsOwnBidirectionalHostPath() {
        PodSpec pod = workload(CHART.render(Values.of("own-dir", "csiNode.store.dir", "/var/lib/unibloc")), "csi-node");
        Container node = container(pod, "csi-node");

        assertThat(flag(node, "--store-dir")).isEqualTo("/var/lib/unibloc");
        assertThat(node.getVolumeMounts())
                .filteredOn(m -> m.getMountPath().equals("/var/lib/unibloc"))
                .extracting(VolumeMount::getMountPropagation)
                .containsExactly("Bidirectional");
        assertNoMountNestedInABidirectionalOne(node);
    }

    @Test
    void registrarWaitsLongerThanAWarmingPluginsFirstCall() {
        Container registrar = container(workload(CHART.render(Values.defaults()), "csi-node"), "node-driver-registrar");
        Container custom = container(
                workload(CHART.render(Values.of("slow", "sidecars.nodeDriverRegistrar.timeout", "30s")), "csi-node"),
                "node-driver-registrar");

        assertThat(goDuration(flag(registrar, "--timeout"))).isGreaterThanOrEqualTo(Duration.ofSeconds(10));
        assertThat(flag(custom, "--timeout")).isEqualTo("30s");
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"csi-node", "csi-controller"})
    void kubeletProbeWaitsLongerThanTheCsiProbeBehindIt(String component) {
        PodSpec pod = workload(CHART.render(Values.defaults()), component);
        Container main = container(pod, component);
        Duration csiProbe = goDuration(flag(container(pod, "liveness-probe"), "--probe-timeout"));

        assertThat(csiProbe).isGreaterThan(Duration.ofSeconds(1));
        assertThat(Duration.ofSeconds(main.getLivenessProbe().getTimeoutSeconds()))
                .isGreaterThan(csiProbe);
    }

    /** A mount below a Bidirectional one propagates back to the node and piles up there at every restart. */
    private static void assertNoMountNestedInABidirectionalOne(Container container) {
        List<VolumeMount> mounts = container.getVolumeMounts();
        for (VolumeMount outer : mounts) {
            if (!"Bidirectional".equals(outer.getMountPropagation())) {
                continue;
            }
            assertThat(mounts)
                    .extracting(VolumeMount::getMountPath)
                    .as("mounts nested in Bidirectional %s", outer.getMountPath())
                    .noneMatch(p -> p.startsWith(outer.getMountPath() + "/"));
        }
    }

    private static Duration goDuration(String value) {
        if (value.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
        }
        long amount = Long.parseLong(value.substring(0, value.length() - 1));
        return switch (value.charAt(value.length() - 1)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            default -> throw new AssertionError("not a Go duration this chart uses: " + value);
        };
    }
}
