package io.unibloc.sandbox.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.sandbox.Sandbox;
import io.unibloc.sandbox.SandboxOptions;
import io.unibloc.sandbox.accel.Accel;
import io.unibloc.sandbox.runtime.GuestExit;
import io.unibloc.sandbox.runtime.RunResult;
import io.unibloc.sandbox.spec.BootSpec;
import io.unibloc.sandbox.spec.FileProjection;
import io.unibloc.testkit.guest.GuestDisks;
import io.unibloc.testkit.guest.GuestRootfs;
import io.unibloc.testkit.guest.TestGuest;
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

/**
 * ConfigMap-style files in both write modes, seen by the Linux test guest booted under TCG: an existing file
 * replaced, a file in new nested directories with its mode, the image's own files beside them. Each mode boots
 * twice with different file contents, as a restarted Pod whose ConfigMap changed: the files are written at every
 * boot. An ephemeral root's shared device stays byte-identical; a persistent one keeps the guest's other writes.
 */
@EnabledIfSystemProperty(
        named = "unibloc.it",
        matches = "true",
        disabledReason = "boots real guests; runs under failsafe (mvn verify)")
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ProjectedFilesIT {

    private static final String APP = """
            #!/bin/sh
            echo "app: config=$(cat /etc/app.conf) mode=$(stat -c %a /etc/app.conf)"
            echo "app: nested=$(cat /etc/app/nested/key) mode=$(stat -c %a /etc/app/nested/key)"
            echo "app: marker=$(cat /etc/marker)"
            if [ -e /written ]; then echo "app: saw $(cat /written)"; else echo "app: nothing written before"; fi
            echo "written by $1" > /written
            echo "overwritten by the guest" > /etc/app.conf
            sync
            exit 0
            """;

    private static TestGuest guest;

    @TempDir
    Path dir;

    private final List<String> console = new CopyOnWriteArrayList<>();
    private String marker;

    @BeforeAll
    static void guest() throws IOException {
        guest = TestGuest.prepare();
    }

    @Test
    void anEphemeralRootShowsItsFilesAtEveryBootAndTheSharedImageNeverChanges() throws Exception {
        Path image = image();
        String before = sha256(image);
        Path overlay = dir.resolve("scratch/root.qcow2");
        Sandbox sandbox = new Sandbox(options(), overlay);

        try (LoopDevice shared = LoopDevice.attach(image, true)) {
            for (String boot : List.of("first", "second")) {
                boot(sandbox, shared.path(), boot);
                assertThat(console).contains("app: nothing written before");
                assertThat(overlay).as("the guest's writes end with it").doesNotExist();
            }
        }
        assertThat(sha256(image)).as("the shared image is byte-identical").isEqualTo(before);
    }

    @Test
    void aPersistentRootShowsTheSameAndKeepsTheGuestsOtherWrites() throws Exception {
        Path image = image();
        Sandbox sandbox = new Sandbox(options());

        try (LoopDevice own = LoopDevice.attach(image, false)) {
            boot(sandbox, own.path(), "first");
            assertThat(console).contains("app: nothing written before");
            boot(sandbox, own.path(), "second");
            assertThat(console).contains("app: saw written by first");
        }
    }

    /**
     * One boot with files whose content names the boot; the guest must show exactly those, not the image's
     * {@code /etc/app.conf} nor what the guest wrote over it the boot before.
     */
    private void boot(Sandbox sandbox, Path device, String boot) throws Exception {
        console.clear();
        Path config = Files.writeString(dir.resolve("app.conf-" + boot), "config of the " + boot + " boot");
        Path key = Files.writeString(dir.resolve("key-" + boot), "key of the " + boot + " boot");
        BootSpec spec = BootSpec.builder()
                .kernel(TestGuest.KERNEL_IN_ROOT)
                .initrd(TestGuest.INITRD_IN_ROOT)
                .rootDevice(device.toString())
                .addFile(new FileProjection(config.toString(), "/etc/app.conf", 0640))
                .addFile(new FileProjection(key.toString(), "/etc/app/nested/key", 0600))
                .args(List.of(boot))
                .build();
        RunResult result = sandbox.run(spec, console::add);
        System.out.printf(
                "BOOT files %s (%s): first console line after %d ms, ended after %d ms%n",
                boot,
                device,
                result.firstConsoleLine().map(d -> d.toMillis()).orElse(-1L),
                result.runtime().toMillis());
        assertThat(console)
                .contains(
                        TestGuest.LINE_PREFIX + "mounted /dev/vda ext4 rw",
                        "app: config=config of the " + boot + " boot mode=640",
                        "app: nested=key of the " + boot + " boot mode=600",
                        "app: marker=" + marker);
        assertThat(result.exit()).isEqualTo(new GuestExit.PoweredOff());
    }

    private Path image() throws IOException {
        marker = "files-marker-" + UUID.randomUUID();
        Path tree = GuestRootfs.builder()
                .file("/etc/marker", marker + "\n", 0644)
                .file("/etc/app.conf", "from the image\n", 0644)
                .app(APP)
                .writeTo(dir.resolve("tree"));
        guest.installInto(tree);
        return GuestDisks.ext4(tree, dir.resolve("root.ext4"), 64);
    }

    private static SandboxOptions options() {
        return SandboxOptions.defaults()
                .withAccel(Accel.TCG)
                .withWorkRoot(Path.of(System.getProperty("java.io.tmpdir")));
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
