package io.unibloc.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The entry point's argument handling and failure reporting; nothing here boots a guest. */
class MainTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) {
        return Main.run(
                args,
                env,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpPrintsUsage() {
        assertThat(run(Map.of(), "--help")).isZero();
        assertThat(out()).contains("usage: sandbox").contains("--spec FILE").contains("137");
    }

    @Test
    void printsTheCommandFromASpecFileWithoutBooting() throws IOException {
        Path spec = Files.writeString(
                dir.resolve("spec.json"),
                "{\"kernelHostPath\":\"/boot/vmlinuz-x\",\"machine\":\"q35\",\"memoryMiB\":512,\"args\":[\"hello\"]}");

        int status = run(Map.of(), "--spec", spec.toString(), "--accel", "kvm", "--print-command");

        assertThat(status).as(err()).isZero();
        assertThat(out())
                .startsWith("qemu-system-x86_64 ")
                .contains("-M q35")
                .contains("-accel kvm -cpu host")
                .contains("-m 512M")
                .contains("-kernel /boot/vmlinuz-x")
                .contains("-append 'console=ttyS0 root=/dev/vda rw panic=1 edd=off -- hello'")
                .contains("file=/dev/unibloc-root,format=raw");
    }

    @Test
    void anEphemeralRootBootsFromTheOverlayNamedByEnvironmentOrFlag() {
        String spec = "{\"kernelHostPath\":\"/k\",\"guest\":\"multiboot\"}";
        assertThat(run(
                        Map.of("UNIBLOC_BOOT_SPEC", spec, "UNIBLOC_ROOT_OVERLAY", "/scratch/root.qcow2"),
                        "--print-command"))
                .as(err())
                .isZero();
        assertThat(out()).contains("file=/scratch/root.qcow2,format=qcow2").doesNotContain("unibloc-root,format=raw");
        out.reset();
        assertThat(run(Map.of("UNIBLOC_BOOT_SPEC", spec), "--root-overlay", "/tmp/o.qcow2", "--print-command"))
                .isZero();
        assertThat(out()).contains("file=/tmp/o.qcow2,format=qcow2");
    }

    @Test
    void readsTheSpecFromTheEnvironment() {
        int status = run(
                Map.of(
                        "UNIBLOC_BOOT_SPEC",
                        "{\"kernelHostPath\":\"/k\",\"guest\":\"multiboot\"}",
                        "UNIBLOC_QEMU",
                        "/opt/qemu/bin/qemu"),
                "--print-command");

        assertThat(status).as(err()).isZero();
        assertThat(out())
                .startsWith("/opt/qemu/bin/qemu ")
                .contains("-accel tcg")
                .doesNotContain("-append");
    }

    @Test
    void aMissingSpecIsExplained() {
        assertThat(run(Map.of())).isEqualTo(125);
        assertThat(err()).contains("UNIBLOC_BOOT_SPEC is not set");
    }

    @Test
    void anInvalidSpecNamesTheProblem() {
        assertThat(run(Map.of("UNIBLOC_BOOT_SPEC", "{\"kernel\":\"/k\",\"vcpus\":0}")))
                .isEqualTo(125);
        assertThat(err()).contains("vcpus must be at least 1");
    }

    @Test
    void aMissingSpecFileIsNamed() {
        assertThat(run(Map.of(), "--spec", dir.resolve("none.json").toString())).isEqualTo(125);
        assertThat(err()).contains("none.json");
    }

    @Test
    void badArgumentsAreNamed() {
        assertThat(run(Map.of(), "--frobnicate")).isEqualTo(125);
        assertThat(err()).contains("unknown argument \"--frobnicate\"").contains("usage:");
        err.reset();
        assertThat(run(Map.of(), "--accel", "hvf")).isEqualTo(125);
        assertThat(err()).contains("--accel must be auto, kvm or tcg");
        err.reset();
        assertThat(run(Map.of(), "--grace", "soon")).isEqualTo(125);
        assertThat(err()).contains("--grace must be a whole number of seconds");
        err.reset();
        assertThat(run(Map.of(), "--spec")).isEqualTo(125);
        assertThat(err()).contains("--spec needs a value");
        err.reset();
        assertThat(run(Map.of(), "--boot-timeout", "ten")).isEqualTo(125);
        assertThat(err()).contains("--boot-timeout must be a whole number of seconds, got \"ten\"");
    }

    @Test
    void theUsageDocumentsTheWatchdogsExitStatusAndItsSettings() {
        assertThat(run(Map.of(), "--help")).isZero();
        assertThat(out())
                .contains("--boot-timeout")
                .contains("124 when the boot")
                .contains("UNIBLOC_BOOT_TIMEOUT_SECONDS")
                .contains("UNIBLOC_KVM_VERDICT_FILE")
                .contains("UNIBLOC_READY_FILE");
    }

    @Test
    void aBootThatCannotStartLeavesATerminationMessage() throws IOException {
        Path log = dir.resolve("termination-log");
        int status = run(
                Map.of(
                        "UNIBLOC_BOOT_SPEC",
                        "{\"kernel\":\"/boot/vmlinuz\",\"rootDevice\":\"" + dir.resolve("no-device") + "\"}",
                        "UNIBLOC_TERMINATION_LOG",
                        log.toString()),
                "--accel",
                "tcg");

        assertThat(status).isEqualTo(125);
        assertThat(Files.readString(log))
                .contains("\"reason\":\"SandboxFailed\"")
                .contains("does not exist");
    }

    @Test
    void badEnvironmentIsNamed() {
        assertThat(run(Map.of("UNIBLOC_ACCEL", "fast"))).isEqualTo(125);
        assertThat(err()).contains("UNIBLOC_ACCEL");
        err.reset();
        assertThat(run(Map.of("UNIBLOC_STOP_GRACE_SECONDS", "-1"))).isEqualTo(125);
        assertThat(err()).contains("UNIBLOC_STOP_GRACE_SECONDS");
        err.reset();
        assertThat(run(Map.of("UNIBLOC_BOOT_TIMEOUT_SECONDS", "1m"))).isEqualTo(125);
        assertThat(err()).contains("UNIBLOC_BOOT_TIMEOUT_SECONDS must be a whole number of seconds");
    }

    @Test
    void aBootThatCannotStartExitsWithTheSandboxFailureStatus() {
        int status = run(
                Map.of(
                        "UNIBLOC_BOOT_SPEC",
                        "{\"kernel\":\"/boot/vmlinuz\",\"rootDevice\":\"" + dir.resolve("no-device") + "\"}"),
                "--accel",
                "tcg");

        assertThat(status).isEqualTo(125);
        assertThat(err()).contains("root device " + dir.resolve("no-device") + " does not exist");
    }
}
