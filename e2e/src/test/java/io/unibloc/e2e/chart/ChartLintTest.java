package io.unibloc.e2e.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;

/**
 * {@code helm lint --strict} is clean: no error, no warning (Helm's one INFO, "icon is recommended", is allowed).
 * Lint also checks the chart's own values.yaml against values.schema.json. Value variations are rendered by the
 * other tests; helm-java's lint only takes the chart's values.
 */
class ChartLintTest {
    private static final HelmChart CHART = HelmChart.inRepository();

    @Test
    void lintIsClean() {
        LintResult result = CHART.lint();

        assertThat(result.isFailed())
                .as("lint failed: %s", result.getMessages())
                .isFalse();
        assertThat(result.getMessages())
                .as("lint messages")
                .allSatisfy(m -> assertThat(m).startsWith("[INFO]"))
                .noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }
}
