package io.unibloc.e2e.chart;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** values.schema.json turns a wrong value into a rendering error that names the offending key. */
class ChartSchemaTest {
    private static final HelmChart CHART = HelmChart.inRepository();

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of(
                        Values.of("misspelt-top-level-key", "storgeClass", Map.of("create", false)), "storgeClass"),
                Arguments.of(Values.of("misspelt-nested-key", "csiNode.store.sise", "5Gi"), "sise"),
                Arguments.of(Values.of("unknown-fs-type", "storageClass.fsType", "ntfs"), "storageClass.fsType"),
                Arguments.of(
                        Values.of("unknown-write-mode", "storageClass.writeMode", "scratch"), "storageClass.writeMode"),
                Arguments.of(Values.of("pull-policy-typo", "image.pullPolicy", "IfNotPreset"), "image.pullPolicy"),
                Arguments.of(Values.of("store-size-not-a-size", "csiNode.store.size", "lots"), "csiNode.store.size"),
                Arguments.of(
                        Values.of("store-dir-relative", "csiNode.store.dir", "var/lib/unibloc"), "csiNode.store.dir"),
                Arguments.of(Values.of("store-dir-root", "csiNode.store.dir", "/"), "csiNode.store.dir"),
                Arguments.of(Values.of("removed-backend-key", "csiNode.store.backend", "zfs"), "backend"),
                Arguments.of(Values.of("kvm-mode-unknown", "kvm.mode", "maybe"), "kvm.mode"),
                Arguments.of(Values.of("kvm-mode-as-number", "kvm.mode", 1), "kvm.mode"),
                Arguments.of(
                        Values.of("registrar-timeout-not-a-duration", "sidecars.nodeDriverRegistrar.timeout", "10"),
                        "sidecars.nodeDriverRegistrar.timeout"),
                Arguments.of(Values.of("zero-kvm-slots", "kvm.slots", 0), "kvm.slots"),
                Arguments.of(Values.of("zero-controllers", "csiController.replicas", 0), "csiController.replicas"),
                Arguments.of(
                        Values.of("replicas-as-string", "csiController.replicas", "two"), "csiController.replicas"),
                Arguments.of(Values.of("kvm-flag-as-string", "kvm.requireKvmNode", "yes"), "kvm.requireKvmNode"),
                Arguments.of(
                        Values.of("emulation-flag-word", "sandbox.allowSoftwareEmulation", "yes"),
                        "sandbox.allowSoftwareEmulation"),
                Arguments.of(
                        Values.of("boot-timeout-negative", "sandbox.bootTimeoutSeconds", -1),
                        "sandbox.bootTimeoutSeconds"),
                Arguments.of(
                        Values.of("boot-timeout-not-a-number", "sandbox.bootTimeoutSeconds", "10s"),
                        "sandbox.bootTimeoutSeconds"),
                Arguments.of(Values.of("network-mode-unknown", "network.defaultMode", "bridge"), "network.defaultMode"),
                Arguments.of(Values.of("network-mode-upper-case", "network.defaultMode", "TAP"), "network.defaultMode"),
                Arguments.of(Values.of("network-misspelt-key", "network.mode", "tap"), "network"),
                Arguments.of(
                        Values.of("namespace-not-dns", "operator.watchNamespaces", List.of("Team_A")),
                        "operator.watchNamespaces"),
                Arguments.of(
                        Values.of("sidecar-without-tag", "sidecars.livenessProbe.image.tag", ""),
                        "sidecars.livenessProbe.image.tag"),
                // null removes a default in Helm's merge, as "--set key=null" does.
                Arguments.of(Values.of("memory-limit-missing", "csiNode.resources.limits.memory", null), "memory"),
                Arguments.of(Values.of("bad-quantity", "operator.resources.requests.memory", "256 MB"), "memory"),
                Arguments.of(Values.of("bad-log-level", "operator.logLevel", "VERBOSE"), "operator.logLevel"),
                Arguments.of(
                        Values.of("bad-reclaim-policy", "storageClass.reclaimPolicy", "Recycle"),
                        "storageClass.reclaimPolicy"),
                Arguments.of(
                        Values.of("insecure-registry-with-scheme", "registry.insecure", List.of("http://lab:5000")),
                        "registry.insecure"),
                Arguments.of(Values.of("bad-overhead-key", "runtimeClasses.kvm.overhead", Map.of("gpu", "1")), "gpu"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void badValueIsRejectedNamingTheKey(Values values, String named) {
        assertThatThrownBy(() -> CHART.render(values))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("schema")
                .hasMessageContaining(named);
    }

    @org.junit.jupiter.api.Test
    void serviceMonitorWithoutServicesFailsWithAReason() {
        assertThatThrownBy(() -> CHART.render(Values.of(
                        "monitor-without-services", "metrics.services", false, "metrics.serviceMonitor.enabled", true)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("metrics.serviceMonitor.enabled needs metrics.services");
    }
}
