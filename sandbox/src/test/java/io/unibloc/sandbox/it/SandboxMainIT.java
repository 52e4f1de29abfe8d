package io.unibloc.sandbox.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.sandbox.Main;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox container's entry point as a separate process, as the container runtime runs it: the spec
 * in UNIBLOC_BOOT_SPEC, a vfat root on a loop device (kernel and initrd read out with mtools), the console
 * on stdout, and SIGTERM turning into a graceful guest power-off with exit status 0.
 */
@EnabledIfSystemProperty(
        named = "unibloc.it",
        matches = "true",
        disabledReason = "boots real guests; runs under failsafe (mvn verify)")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SandboxMainIT {

    @TempDir
    Path dir;

    @Test
    void sigtermPowersTheGuestOffGracefully() throws Exception {
        TestGuest guest = TestGuest.prepare();
        String marker = "vfat-marker-" + UUID.randomUUID();
        Path tree = GuestRootfs.builder()
                .busybox(false)
                .file("/marker", marker + "\n", 0644)
                .writeTo(dir.resolve("tree"));
        guest.installInto(tree);
        Path image = GuestDisks.vfat(tree, dir.resolve("root.vfat"), 64);

        try (LoopDevice loop = LoopDevice.attach(image, false)) {
            BootSpec spec = BootSpec.builder()
                    .kernel(TestGuest.KERNEL_IN_ROOT)
                    .initrd(TestGuest.INITRD_IN_ROOT)
                    .rootDevice(loop.path().toString())
                    .putEnv(TestGuest.PARAM_WAIT, "1")
                    .build();
            Path stdoutFile = dir.resolve("stdout");
            Path stderrFile = dir.resolve("stderr");
            ProcessBuilder builder = new ProcessBuilder(List.of(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-cp",
                            classPath(),
                            Main.class.getName(),
                            "--accel",
                            "tcg",
                            "--grace",
                            "90"))
                    .redirectOutput(stdoutFile.toFile())
                    .redirectError(stderrFile.toFile());
            builder.environment().put(BootSpecReader.ENV_VAR, new BootSpecReader().write(spec));
            long start = System.nanoTime();
            Process sandbox = builder.start();
            try {
                String waiting = TestGuest.LINE_PREFIX + "waiting for the power button";
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
                while (!Files.readString(stdoutFile).contains(waiting)
                        && sandbox.isAlive()
                        && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(Files.readString(stdoutFile))
                        .as("console before SIGTERM; stderr: %s", Files.readString(stderrFile))
                        .contains(waiting);
                long ready = System.nanoTime();

                sandbox.destroy(); // SIGTERM, as the kubelet sends it
                assertThat(sandbox.waitFor(2, TimeUnit.MINUTES)).isTrue();

                System.out.printf(
                        "BOOT vfat via Main: guest ready after %d ms, powered off %d ms after SIGTERM%n",
                        (ready - start) / 1_000_000, (System.nanoTime() - ready) / 1_000_000);
                String errors = Files.readString(stderrFile);
                List<String> stdout = Files.readAllLines(stdoutFile);
                assertThat(sandbox.exitValue()).as("stderr: %s", errors).isZero();
                assertThat(stdout)
                        .as("stderr: %s", errors)
                        .contains(
                                TestGuest.LINE_PREFIX + "mounted /dev/vda vfat rw",
                                TestGuest.LINE_PREFIX + "marker /marker:",
                                marker,
                                TestGuest.LINE_PREFIX + "power button",
                                TestGuest.LINE_PREFIX + "exit 0");
                assertThat(errors).contains("SIGTERM").contains("guest powered off");
            } finally {
                sandbox.destroyForcibly();
                sandbox.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** The test class path; under failsafe java.class.path may be a manifest-only booter jar, which also works. */
    private static String classPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }
}
