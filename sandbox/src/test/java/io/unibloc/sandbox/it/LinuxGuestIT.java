package io.unibloc.sandbox.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unibloc.sandbox.Sandbox;
import io.unibloc.sandbox.SandboxException;
import io.unibloc.sandbox.SandboxOptions;
import io.unibloc.sandbox.accel.Accel;
import io.unibloc.sandbox.runtime.GuestExit;
import io.unibloc.sandbox.runtime.RunResult;
import io.unibloc.sandbox.spec.BootSpec;
import io.unibloc.sandbox.spec.FileProjection;
import io.unibloc.testkit.guest.GuestDisks;
import io.unibloc.testkit.guest.GuestRootfs;
import io.unibloc.testkit.guest.TestGuest;
import io.unibloc.types.Machine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Boots the Linux test guest under TCG from ext4 images on real loop devices, the way a CSI-published
 * volume reaches the sandbox. Two boots, each checking several things.
 */
@EnabledIfSystemProperty(
        named = "unibloc.it",
        matches = "true",
        disabledReason = "boots real guests; runs under failsafe (mvn verify)")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LinuxGuestIT {

    private static TestGuest guest;

    @TempDir
    Path dir;

    private final Sandbox sandbox = new Sandbox(
            SandboxOptions.defaults().withAccel(Accel.TCG).withWorkRoot(Path.of(System.getProperty("java.io.tmpdir"))));
    private final List<String> console = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void guest() throws IOException {
        guest = TestGuest.prepare();
    }

    /**
     * Kernel and initrd read out of the volume with debugfs, a ConfigMap-style file projected into it, env and
     * args delivered, a marker read from the image, a write that persists, and power-off mapped to 0.
     */
    @Test
    void bootsFromAWritableExt4VolumeWithEverythingReadFromIt() throws Exception {
        String marker = "ext4-marker-" + UUID.randomUUID();
        Path tree = GuestRootfs.builder()
                .file("/etc/marker", marker + "\n", 0644)
                .app("""
            #!/bin/sh
            echo "app: marker=$(cat /etc/marker)"
            echo "app: projected=$(cat /etc/app.conf) mode=$(stat -c %a /etc/app.conf)"
            echo "app: GREETING=$GREETING args=$*"
            echo "written by the guest" > /written
            sync
            exit 0
            """)
                .writeTo(dir.resolve("tree"));
        guest.installInto(tree);
        Path image = GuestDisks.ext4(tree, dir.resolve("root.ext4"), 64);
        Path config = Files.writeString(dir.resolve("app.conf"), "from-configmap");

        RunResult result;
        try (LoopDevice loop = LoopDevice.attach(image, false)) {
            BootSpec spec = BootSpec.builder()
                    .kernel(TestGuest.KERNEL_IN_ROOT)
                    .initrd(TestGuest.INITRD_IN_ROOT)
                    .rootDevice(loop.path().toString())
                    .addFile(new FileProjection(config.toString(), "/etc/app.conf", 0640))
                    .putEnv("GREETING", "hello world")
                    .args(List.of("one", "two"))
                    .build();
            result = sandbox.run(spec, console::add);
        }

        report("ext4 rw", result);
        assertThat(console)
                .contains(
                        TestGuest.LINE_PREFIX + "mounted /dev/vda ext4 rw",
                        "app: marker=" + marker,
                        "app: projected=from-configmap mode=640",
                        "app: GREETING=hello world args=one two",
                        TestGuest.LINE_PREFIX + "exit 0");
        assertThat(result.exit()).isEqualTo(new GuestExit.PoweredOff());
        assertThat(result.exitCode()).isZero();
        assertThat(result.firstConsoleLine()).isPresent();
        assertThat(debugfsCat(image, "/written")).contains("written by the guest");
    }

    /**
     * A volume attached read-only: the sandbox refuses to give it to the guest writable, the guest cannot
     * write it or remount it, and its exit code comes back through isa-debug-exit. Kernel and initrd are
     * host files here.
     */
    @Test
    void aReadOnlyVolumeStaysUnchangedAndTheGuestsExitCodeComesBack() throws Exception {
        String marker = "ro-marker-" + UUID.randomUUID();
        Path tree = GuestRootfs.builder()
                .file("/etc/marker", marker + "\n", 0644)
                .app("""
            #!/bin/sh
            echo "app: marker=$(cat /etc/marker)"
            if echo x > /probe 2>/dev/null; then echo "app: write succeeded"; else echo "app: write refused"; fi
            if mount -o remount,rw / 2>/dev/null; then echo "app: remount succeeded"; else echo "app: remount refused"; fi
            exit 3
            """)
                .writeTo(dir.resolve("tree"));
        Path image = GuestDisks.ext4(tree, dir.resolve("root.ext4"), 32);
        String before = sha256(image);

        RunResult result;
        try (LoopDevice loop = LoopDevice.attach(image, true)) {
            BootSpec.Builder spec = BootSpec.builder()
                    .kernelHostPath(guest.kernel().toString())
                    .initrdHostPath(guest.initramfs().toString())
                    .rootDevice(loop.path().toString());
            assertThatThrownBy(() -> sandbox.start(spec.build(), console::add))
                    .isInstanceOf(SandboxException.class)
                    .hasMessageContaining(loop.path() + " is read-only")
                    .hasMessageContaining("readOnly=true");

            result = sandbox.run(spec.readOnly(true).build(), console::add);
        }

        report("ext4 ro", result);
        assertThat(console)
                .contains(
                        TestGuest.LINE_PREFIX + "mounted /dev/vda ext4 ro",
                        "app: marker=" + marker,
                        "app: write refused",
                        "app: remount refused",
                        TestGuest.LINE_PREFIX + "exit 3");
        assertThat(result.exit()).isEqualTo(new GuestExit.DebugExit(3));
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(sha256(image)).isEqualTo(before);
    }

    /** The Linux test guest on every machine the decision table can choose, from an ext4 image file. */
    @ParameterizedTest
    @EnumSource(Machine.class)
    void theLinuxTestGuestBootsOnEveryMachine(Machine machine) throws Exception {
        Path tree = GuestRootfs.builder()
                .app("#!/bin/sh\necho \"app: running on " + machine.id() + "\"\nexit 5\n")
                .writeTo(dir.resolve("tree"));
        Path image = GuestDisks.ext4(tree, dir.resolve("root.ext4"), 32);

        RunResult result = sandbox.run(
                BootSpec.builder()
                        .kernelHostPath(guest.kernel().toString())
                        .initrdHostPath(guest.initramfs().toString())
                        .rootDevice(image.toString())
                        .machine(machine)
                        .build(),
                console::add);

        report("linux on " + machine.id(), result);
        assertThat(console)
                .contains(TestGuest.LINE_PREFIX + "mounted /dev/vda ext4 rw", "app: running on " + machine.id());
        assertThat(result.exit()).isEqualTo(new GuestExit.DebugExit(5));
    }

    private static void report(String what, RunResult result) {
        System.out.printf(
                "BOOT %s: first console line after %d ms, guest ended after %d ms (%s)%n",
                what,
                result.firstConsoleLine().map(d -> d.toMillis()).orElse(-1L),
                result.runtime().toMillis(),
                result.exit().describe());
    }

    private static String debugfsCat(Path image, String path) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("debugfs", "-R", "cat " + path, image.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(process.getInputStream().readAllBytes());
        process.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
