package io.unibloc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unibloc.types.ErrorKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class CliBasicsTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "512M, 536870912",
        "2G, 2147483648",
        "1.5G, 1610612736",
        "4096, 4096",
        "10Gi, 10737418240",
        "100MiB, 104857600",
        "4k, 4096"
    })
    void parsesSizes(String text, long bytes) {
        assertThat(Sizes.parse(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "M", "-1G", "12X", "0", "1.2.3G"})
    void rejectsBadSizes(String text) {
        assertThatThrownBy(() -> Sizes.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid size");
    }

    @Test
    void formatsSizes() {
        assertThat(Sizes.format(512)).isEqualTo("512 B");
        assertThat(Sizes.format(1536)).isEqualTo("1.5 KiB");
        assertThat(Sizes.format(512L << 20)).isEqualTo("512 MiB");
    }

    @Test
    void everyCommandHasHelpAndTheRootListsExitCodes() {
        List<String> paths = new ArrayList<>();
        collect(Main.commandLine(), "", paths);
        assertThat(paths)
                .contains(
                        "image pull",
                        "image build",
                        "image ls",
                        "image rm",
                        "volume create",
                        "volume attach",
                        "volume detach",
                        "volume rm",
                        "volume ls",
                        "df",
                        "gc",
                        "bench");
        for (String path : paths) {
            List<String> args = new ArrayList<>(List.of(path.trim().split(" ")));
            args.add("--help");
            CliHarness r = CliHarness.run(args.toArray(String[]::new));
            assertThat(r.exit()).as(path).isZero();
            assertThat(r.out())
                    .as(path)
                    .contains("Usage: unibloc " + path.trim())
                    .contains("Exit codes:")
                    .contains("3   not found");
        }
        CliHarness root = CliHarness.run("--help");
        assertThat(root.out()).contains("--store=DIR").contains("UNIBLOC_STORE").contains("5   unavailable");
    }

    private static void collect(CommandLine cl, String prefix, List<String> out) {
        for (var e : cl.getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) {
                continue;
            }
            String path = (prefix + " " + e.getKey()).trim();
            out.add(path);
            collect(e.getValue(), path, out);
        }
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertThat(CliHarness.run().exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(CliHarness.run("frobnicate").exit()).isEqualTo(ExitCodes.USAGE);
        CliHarness badSize =
                CliHarness.run("--store", tmp.toString(), "volume", "create", "v", "--image", "x", "--size", "12X");
        assertThat(badSize.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(badSize.err()).contains("invalid size '12X'");
    }

    @Test
    void storeErrorsMapToDocumentedCodes() {
        assertThat(ExitCodes.of(ErrorKind.NOT_FOUND)).isEqualTo(3);
        assertThat(ExitCodes.of(ErrorKind.INVALID_ARGUMENT)).isEqualTo(4);
        assertThat(ExitCodes.of(ErrorKind.UNAVAILABLE)).isEqualTo(5);
        assertThat(ExitCodes.of(ErrorKind.INTERNAL)).isEqualTo(1);
        CliHarness bad = CliHarness.run("--store", tmp.toString(), "image", "pull", "Not/A/Valid:ref:x");
        assertThat(bad.exit()).isEqualTo(ExitCodes.INVALID);
        assertThat(bad.err()).startsWith("unibloc: invalid image reference");
        CliHarness missing = CliHarness.run("--store", tmp.toString(), "image", "rm", "127.0.0.1:1/none:1");
        assertThat(missing.exit()).isEqualTo(ExitCodes.NOT_FOUND);
        CliHarness noLayout =
                CliHarness.run("--store", tmp.toString(), "image", "pull", "oci:" + tmp.resolve("nothing"));
        assertThat(noLayout.exit()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(noLayout.err()).contains("does not exist");
    }
}
