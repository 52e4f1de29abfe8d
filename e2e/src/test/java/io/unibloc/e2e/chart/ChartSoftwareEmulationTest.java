package io.unibloc.e2e.chart;

import static io.unibloc.e2e.chart.ChartSocketsTest.workload;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one switch for nodes without a usable KVM, {@code sandbox.allowSoftwareEmulation} (and its older name
 * {@code kvm.requireKvmNode=false}), reaches the node plugin, the operator and RuntimeClass {@code unibloc-kvm}
 * together; {@code sandbox.bootTimeoutSeconds} reaches the operator only when set.
 */
class ChartSoftwareEmulationTest {
    private static final HelmChart CHART = HelmChart.inRepository();

    static Stream<Arguments> switches() {
        return Stream.of(
                Arguments.of(Values.defaults(), false),
                Arguments.of(Values.of("emulation-bool", "sandbox.allowSoftwareEmulation", true), true),
                // --set-string sandbox.allowSoftwareEmulation=true, or a quoted value in a values file.
                Arguments.of(Values.of("emulation-string", "sandbox.allowSoftwareEmulation", "true"), true),
                Arguments.of(Values.of("emulation-string-false", "sandbox.allowSoftwareEmulation", "false"), false),
                Arguments.of(Values.of("older-switch", "kvm.requireKvmNode", false), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("switches")
    void theSwitchReachesNodePluginOperatorAndRuntimeClass(Values values, boolean allowed) {
        RenderedChart chart = CHART.render(values);
        assertThat(env(container(workload(chart, "csi-node"), "csi-node")))
                .containsEntry("UNIBLOC_ALLOW_SOFTWARE_EMULATION", Boolean.toString(allowed));
        assertThat(env(container(workload(chart, "operator"), "operator")))
                .containsEntry("UNIBLOC_OPERATOR_ALLOW_SOFTWARE_EMULATION", Boolean.toString(allowed))
                .doesNotContainKey("UNIBLOC_OPERATOR_SANDBOX_BOOT_TIMEOUT_SECONDS");
        RuntimeClass kvm = chart.one(RuntimeClass.class, "unibloc-kvm");
        assertThat(kvm.getScheduling().getNodeSelector())
                .containsExactlyEntriesOf(
                        allowed ? Map.of("unibloc.io/node", "true") : Map.of("unibloc.io/kvm", "true"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("timeouts")
    void theBootTimeoutGoesToTheOperatorWhenSet(Values values, String expected) {
        RenderedChart chart = CHART.render(values);
        assertThat(env(container(workload(chart, "operator"), "operator")))
                .containsEntry("UNIBLOC_OPERATOR_SANDBOX_BOOT_TIMEOUT_SECONDS", expected);
    }

    static Stream<Arguments> timeouts() {
        return Stream.of(
                Arguments.of(Values.of("timeout-int", "sandbox.bootTimeoutSeconds", 90), "90"),
                Arguments.of(Values.of("timeout-string", "sandbox.bootTimeoutSeconds", "45"), "45"),
                Arguments.of(Values.of("timeout-off", "sandbox.bootTimeoutSeconds", 0), "0"));
    }

    private static Container container(PodSpec pod, String name) {
        return pod.getContainers().stream()
                .filter(c -> name.equals(c.getName()))
                .findFirst()
                .orElseThrow();
    }

    private static Map<String, String> env(Container container) {
        return container.getEnv().stream()
                .filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }
}
