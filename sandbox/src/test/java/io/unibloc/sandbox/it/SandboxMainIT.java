package io.unibloc.sandbox.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.sandbox.Main;
import io.unibloc.sandbox.StatusFiles;
import io.unibloc.sandbox.spec.BootSpec;
import io.unibloc.sandbox.spec.BootSpecReader;
import io.unibloc.testkit.guest.GuestDisks;
import io.unibloc.testkit.guest.GuestRootfs;
import io.unibloc.testkit.guest.TestGuest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox container's entry point as a separate process, as the container runtime runs it: the spec
 * in UNIBLOC_BOOT_SPEC, a vfat root on a loop device (kernel and initrd read out with mtools), the console
 * on stdout. SIGTERM turns into a graceful guest power-off that the sandbox reports as 143, as a container ended by
 * SIGTERM (a liveness kill must not read as a guest that completed); a guest that powers itself off exits 0.
 */
@EnabledIfSystemProperty(
        named = "unibloc.it",
        matches = "true",
        disabledReason = "boots real guests; runs under failsafe (mvn verify)")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SandboxMainIT {

    private static final Pattern VMM_PID = Pattern.compile("started vmm=\\S+ .*? pid=(\\d+)");

    @TempDir
    Path dir;

    @Test
    void sigtermPowersTheGuestOffGracefullyAndReportsTheSignal() throws Exception {
        String marker = "vfat-marker-" + UUID.randomUUID();
        try (LoopDevice loop = LoopDevice.attach(vfatRoot(marker), false)) {
            Process sandbox =
                    startSandbox(spec(loop).putEnv(TestGuest.PARAM_WAIT, "1").build());
            try {
                String waiting = TestGuest.LINE_PREFIX + "waiting for the power button";
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
                while (!Files.readString(stdout()).contains(waiting)
                        && sandbox.isAlive()
                        && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(Files.readString(stdout()))
                        .as("console before SIGTERM; stderr: %s", Files.readString(stderr()))
                        .contains(waiting);
                long ready = System.nanoTime();

                sandbox.destroy(); // SIGTERM, as the kubelet sends it
                assertThat(sandbox.waitFor(2, TimeUnit.MINUTES)).isTrue();

                System.out.printf(
                        "BOOT vfat via Main: powered off %d ms after SIGTERM%n",
                        (System.nanoTime() - ready) / 1_000_000);
                String errors = Files.readString(stderr());
                assertThat(sandbox.exitValue())
                        .as("128 + SIGTERM, as a container the kubelet stopped; stderr: %s", errors)
                        .isEqualTo(143);
                assertThat(Files.readAllLines(stdout()))
                        .as("stderr: %s", errors)
                        .contains(
                                TestGuest.LINE_PREFIX + "mounted /dev/vda vfat rw",
                                TestGuest.LINE_PREFIX + "marker /marker:",
                                marker,
                                TestGuest.LINE_PREFIX + "power button",
                                TestGuest.LINE_PREFIX + "exit 0");
                assertThat(errors).contains("SIGTERM").contains("guest powered off on SIGTERM");
                assertThat(Files.readString(terminationLog()))
                        .contains("\"reason\":\"Stopped\"")
                        .contains("\"exitCode\":143");
                assertVmmGone(errors);
            } finally {
                sandbox.destroyForcibly();
                sandbox.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aGuestThatPowersItselfOffExitsZero() throws Exception {
        String marker = "vfat-marker-" + UUID.randomUUID();
        try (LoopDevice loop = LoopDevice.attach(vfatRoot(marker), false)) {
            Process sandbox = startSandbox(spec(loop).build());
            try {
                assertThat(sandbox.waitFor(3, TimeUnit.MINUTES)).isTrue();
                String errors = Files.readString(stderr());
                assertThat(sandbox.exitValue()).as("stderr: %s", errors).isZero();
                assertThat(Files.readAllLines(stdout()))
                        .as("stderr: %s", errors)
                        .contains(marker, TestGuest.LINE_PREFIX + "exit 0");
                assertThat(Files.readString(terminationLog()))
                        .contains("\"reason\":\"PoweredOff\"")
                        .contains("\"exitCode\":0");
                assertVmmGone(errors);
            } finally {
                sandbox.destroyForcibly();
                sandbox.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private Path vfatRoot(String marker) throws Exception {
        TestGuest guest = TestGuest.prepare();
        Path tree = GuestRootfs.builder()
                .busybox(false)
                .file("/marker", marker + "\n", 0644)
                .writeTo(dir.resolve("tree"));
        guest.installInto(tree);
        return GuestDisks.vfat(tree, dir.resolve("root.vfat"), 64);
    }

    private static BootSpec.Builder spec(LoopDevice loop) {
        return BootSpec.builder()
                .kernel(TestGuest.KERNEL_IN_ROOT)
                .initrd(TestGuest.INITRD_IN_ROOT)
                .rootDevice(loop.path().toString());
    }

    private Process startSandbox(BootSpec spec) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        classPath(),
                        Main.class.getName(),
                        "--accel",
                        "tcg",
                        "--grace",
                        "90"))
                .redirectOutput(stdout().toFile())
                .redirectError(stderr().toFile());
        builder.environment().put(BootSpecReader.ENV_VAR, new BootSpecReader().write(spec));
        builder.environment()
                .put(StatusFiles.ENV_TERMINATION_LOG, terminationLog().toString());
        return builder.start();
    }

    /** The VMM the sandbox started (its pid from the sandbox's log) has ended with it: nothing is left running. */
    private static void assertVmmGone(String sandboxLog) {
        Matcher pid = VMM_PID.matcher(sandboxLog);
        assertThat(pid.find())
                .as("the VMM's pid in the sandbox's log: %s", sandboxLog)
                .isTrue();
        assertThat(ProcessHandle.of(Long.parseLong(pid.group(1))).filter(ProcessHandle::isAlive))
                .as("VMM pid %s after the sandbox exited", pid.group(1))
                .isEmpty();
    }

    private Path stdout() {
        return dir.resolve("stdout");
    }

    private Path stderr() {
        return dir.resolve("stderr");
    }

    private Path terminationLog() {
        return dir.resolve("termination-log");
    }

    /** The test class path; under failsafe java.class.path may be a manifest-only booter jar, which also works. */
    private static String classPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }
}
