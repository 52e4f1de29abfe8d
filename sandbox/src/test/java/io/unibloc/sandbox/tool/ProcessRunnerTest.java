package io.unibloc.sandbox.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessRunnerTest {

    private final ProcessRunner runner = new ProcessRunner(Duration.ofSeconds(20));

    @Test
    void capturesBothStreamsAndTheStatus() throws ToolException {
        ToolResult result = runner.run(
                List.of("sh", "-c", "echo out; echo err >&2; echo $GREETING; exit 3"), Map.of("GREETING", "hi"));

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.ok()).isFalse();
        assertThat(result.stdout()).isEqualTo("out\nhi\n");
        assertThat(result.stderr()).isEqualTo("err\n");
        assertThat(result.describe()).startsWith("`sh -c").contains("exited 3: err");
    }

    @Test
    void aToolFillingBothPipesDoesNotDeadlock() throws ToolException {
        ToolResult result = runner.run(List.of(
                "sh", "-c", "head -c 300000 /dev/zero | tr '\\0' e >&2; head -c 300000 /dev/zero | tr '\\0' o"));

        assertThat(result.stderr()).hasSize(300000);
        assertThat(result.stdout()).hasSize(300000);
    }

    @Test
    void aHungToolIsKilledAfterTheTimeout() {
        ProcessRunner impatient = new ProcessRunner(Duration.ofMillis(200));

        assertThatThrownBy(() -> impatient.run(List.of("sleep", "30")))
                .isInstanceOf(ToolException.class)
                .hasMessageContaining("did not finish");
    }

    @Test
    void aMissingToolIsNamed() {
        assertThatThrownBy(() -> runner.run(List.of("no-such-tool-unibloc")))
                .isInstanceOf(ToolException.class)
                .hasMessageContaining("no-such-tool-unibloc");
        assertThatThrownBy(() -> runner.runChecked(List.of("false"), Map.of()))
                .isInstanceOf(ToolException.class)
                .hasMessageContaining("exited 1");
    }
}
