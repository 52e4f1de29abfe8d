package io.unibloc.csi.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unibloc.types.WriteMode;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --default-write-mode}: ephemeral when not given, either mode when given, anything else refused at start. */
class DefaultWriteModeFlagTest {
    private static Main parse(String... args) {
        Main main = new Main();
        new CommandLine(main).parseArgs(args);
        return main;
    }

    @Test
    void withoutTheFlagTheDefaultIsEphemeral() {
        assertThat(parse().defaultWriteMode).isEqualTo(WriteMode.EPHEMERAL);
    }

    @Test
    void theFlagTakesEitherMode() {
        assertThat(parse("--default-write-mode", "persistent").defaultWriteMode).isEqualTo(WriteMode.PERSISTENT);
        assertThat(parse("--default-write-mode=Ephemeral").defaultWriteMode).isEqualTo(WriteMode.EPHEMERAL);
    }

    @Test
    void anUnknownOrBlankModeIsRefusedNamingTheFlagAndTheChoices() {
        for (String bad : new String[] {"scratch", ""}) {
            assertThatThrownBy(() -> parse("--default-write-mode=" + bad))
                    .isInstanceOf(CommandLine.ParameterException.class)
                    .hasMessageContaining("--default-write-mode")
                    .hasMessageContaining("persistent or ephemeral");
        }
    }

    @Test
    void startingWithAnUnknownModeExitsBeforeAnythingStarts() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main()).setErr(new PrintWriter(err));

        int exit = cli.execute("--default-write-mode=shared", "--kubeconfig=/nonexistent");

        assertThat(exit).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("--default-write-mode").contains("'shared' is not a write mode");
    }
}
