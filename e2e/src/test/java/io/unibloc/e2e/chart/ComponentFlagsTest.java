package io.unibloc.e2e.chart;

import static io.unibloc.e2e.chart.ChartSocketsTest.args;
import static io.unibloc.e2e.chart.ChartSocketsTest.container;
import static io.unibloc.e2e.chart.ChartSocketsTest.workload;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * The flags the chart passes are flags the components accept: the rendered args are parsed by the components' own
 * picocli command classes (parsing only, nothing starts), for every value variation.
 */
class ComponentFlagsTest {
    private static final HelmChart CHART = HelmChart.inRepository();

    static Stream<Values> variations() {
        return Variations.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variations")
    void nodePluginAcceptsItsArgs(Values values) {
        List<String> args = args(container(workload(CHART.render(values), "csi-node"), "csi-node"));

        assertThatCode(() -> new CommandLine(new io.unibloc.csi.node.Main()).parseArgs(args.toArray(String[]::new)))
                .as("csi-node %s", args)
                .doesNotThrowAnyException();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variations")
    void controllerAcceptsItsArgs(Values values) {
        List<String> args = args(container(workload(CHART.render(values), "csi-controller"), "csi-controller"));

        assertThatCode(() ->
                        new CommandLine(new io.unibloc.csi.controller.Main()).parseArgs(args.toArray(String[]::new)))
                .as("csi-controller %s", args)
                .doesNotThrowAnyException();
    }

    @org.junit.jupiter.api.Test
    void aFlagTheNodePluginDoesNotHaveIsCaught() {
        assertThatThrownBy(() -> new CommandLine(new io.unibloc.csi.node.Main())
                        .parseArgs("--node-id=n1", "--store-backends=reflink"))
                .isInstanceOf(CommandLine.UnmatchedArgumentException.class);
    }
}
