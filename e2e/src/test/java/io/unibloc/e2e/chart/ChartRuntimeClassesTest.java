package io.unibloc.e2e.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** RuntimeClasses unibloc-kvm and unibloc-urunc as the contract names them, and as deploy/runtimeclass ships them. */
class ChartRuntimeClassesTest {
    private static final HelmChart CHART = HelmChart.inRepository();

    @Test
    void kvmClassRunsTheSandboxWithRuncOnKvmNodesOnly() {
        RenderedChart chart = CHART.render(Values.defaults());
        RuntimeClass kvm = chart.one(RuntimeClass.class, "unibloc-kvm");

        assertThat(kvm.getHandler()).isEqualTo("runc");
        assertThat(kvm.getScheduling().getNodeSelector()).containsExactlyEntriesOf(Map.of("unibloc.io/kvm", "true"));
        assertThat(kvm.getOverhead().getPodFixed())
                .as("the sandbox's measured fixed cost (docs/operator.md, Resources), the same as the operator's"
                        + " vmm-overhead")
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("cpu", new Quantity("10m"), "memory", new Quantity("192Mi")));
        assertThat(chart.has(RuntimeClass.class, "unibloc-urunc"))
                .as("urunc only on request")
                .isFalse();
    }

    @Test
    void tcgClustersSelectAnyNodePluginNodeAndUruncCanBeAdded() {
        RenderedChart chart = CHART.render(Values.of(
                "tcg-and-urunc",
                "kvm.requireKvmNode",
                false,
                "runtimeClasses.kvm.overhead",
                Map.of("memory", "64Mi", "cpu", "50m"),
                "runtimeClasses.urunc.create",
                true,
                "runtimeClasses.urunc.overhead",
                Map.of("memory", "64Mi")));
        RuntimeClass kvm = chart.one(RuntimeClass.class, "unibloc-kvm");
        RuntimeClass urunc = chart.one(RuntimeClass.class, "unibloc-urunc");

        assertThat(kvm.getScheduling().getNodeSelector())
                .as("the older switch means allowSoftwareEmulation")
                .containsExactlyEntriesOf(Map.of("unibloc.io/node", "true"));
        assertThat(kvm.getOverhead().getPodFixed())
                .containsExactlyInAnyOrderEntriesOf(Map.of("memory", new Quantity("64Mi"), "cpu", new Quantity("50m")));
        assertThat(urunc.getHandler()).isEqualTo("urunc");
        assertThat(urunc.getScheduling()).as("no KVM node required").isNull();
        // Helm merges maps: an override of one resource keeps the chart's default for the other.
        assertThat(urunc.getOverhead().getPodFixed())
                .containsExactlyInAnyOrderEntriesOf(Map.of("memory", new Quantity("64Mi"), "cpu", new Quantity("50m")));
    }

    /**
     * deploy/runtimeclass/*.yaml (kept next to the sandbox for installs without Helm) must describe the same
     * classes as the chart renders when every class is created; compared field by field after parsing.
     */
    @Test
    void deployManifestsDescribeTheSameClassesAsTheChart() throws IOException {
        Path dir = RepositoryLayout.locate().runtimeClasses();
        assumeTrue(Files.isDirectory(dir), "skipped: " + dir + " does not exist (yet), nothing to compare with");
        List<RuntimeClass> shipped;
        try (Stream<Path> files = Files.list(dir)) {
            shipped = files.filter(
                            f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .sorted()
                    .flatMap(ChartRuntimeClassesTest::parseAll)
                    .filter(RuntimeClass.class::isInstance)
                    .map(RuntimeClass.class::cast)
                    .toList();
        }
        assumeTrue(!shipped.isEmpty(), "skipped: no RuntimeClass in " + dir);
        RenderedChart chart = CHART.render(Values.of("all-classes", "runtimeClasses.urunc.create", true));

        for (RuntimeClass file : shipped) {
            RuntimeClass rendered =
                    chart.one(RuntimeClass.class, file.getMetadata().getName());
            assertThat(rendered.getHandler())
                    .as("handler of %s", file.getMetadata().getName())
                    .isEqualTo(file.getHandler());
            assertThat(rendered.getScheduling())
                    .as("scheduling of %s", file.getMetadata().getName())
                    .isEqualTo(file.getScheduling());
            assertThat(rendered.getOverhead())
                    .as(
                            "overhead of %s (set runtimeClasses.*.overhead to match)",
                            file.getMetadata().getName())
                    .isEqualTo(file.getOverhead());
        }
    }

    private static Stream<HasMetadata> parseAll(Path file) {
        try {
            return RenderedChart.parse(file.getFileName().toString(), Files.readString(file)).objects().stream();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + file, e);
        }
    }
}
