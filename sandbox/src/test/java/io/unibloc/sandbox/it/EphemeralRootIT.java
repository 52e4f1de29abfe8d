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
import io.unibloc.testkit.guest.GuestDisks;
import io.unibloc.testkit.guest.GuestRootfs;
import io.unibloc.testkit.guest.TestGuest;
import io.unibloc.types.Vmm;
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
 * An ephemeral root as a Pod gets it: the image on a read-only loop device (the node's shared chain image), the
 * guest booted under TCG through a qcow2 overlay in scratch space. The guest writes, the device's bytes do not
 * change, the overlay goes when the guest ends and the next guest starts from the image again. Files projected into
 * an ephemeral root: {@link ProjectedFilesIT}.
 */
@EnabledIfSystemProperty(
        named = "unibloc.it",
        matches = "true",
        disabledReason = "boots real guests; runs under failsafe (mvn verify)")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EphemeralRootIT {

    private static TestGuest guest;

    @TempDir
    Path dir;

    private final List<String> console = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void guest() throws IOException {
        guest = TestGuest.prepare();
    }

    private Sandbox sandbox(Path overlay) {
        return new Sandbox(
                SandboxOptions.defaults()
                        .withAccel(Accel.TCG)
                        .withWorkRoot(Path.of(System.getProperty("java.io.tmpdir"))),
                overlay);
    }

    @Test
    void theGuestWritesToItsOverlayNeverToTheSharedImageAndTheNextGuestStartsClean() throws Exception {
        String marker = "eph-marker-" + UUID.randomUUID();
        Path tree = GuestRootfs.builder()
                .file("/etc/marker", marker + "\n", 0644)
                .app("""
            #!/bin/sh
            echo "app: marker=$(cat /etc/marker)"
            if [ -e /written ]; then echo "app: saw $(cat /written)"; else echo "app: clean root"; fi
            echo "written by $1" > /written
            sync
            echo "app: wrote=$(cat /written)"
            exit 0
            """)
                .writeTo(dir.resolve("tree"));
        guest.installInto(tree);
        Path image = GuestDisks.ext4(tree, dir.resolve("chain.img"), 64);
        String before = sha256(image);
        Path overlay = dir.resolve("scratch/root.qcow2");

        try (LoopDevice shared = LoopDevice.attach(image, true)) {
            for (String name : List.of("first", "second")) {
                console.clear();
                BootSpec spec = BootSpec.builder()
                        .kernel(TestGuest.KERNEL_IN_ROOT) // read out of the shared device, as for any root
                        .initrd(TestGuest.INITRD_IN_ROOT)
                        .rootDevice(shared.path().toString())
                        .args(List.of(name))
                        .build();
                RunResult result = sandbox(overlay).run(spec, console::add);
                System.out.printf(
                        "BOOT ephemeral %s: first console line after %d ms, ended after %d ms%n",
                        name,
                        result.firstConsoleLine().map(d -> d.toMillis()).orElse(-1L),
                        result.runtime().toMillis());
                assertThat(console)
                        .contains(
                                TestGuest.LINE_PREFIX + "mounted /dev/vda ext4 rw",
                                "app: marker=" + marker,
                                "app: clean root",
                                "app: wrote=written by " + name);
                assertThat(result.exit()).isEqualTo(new GuestExit.PoweredOff());
                assertThat(overlay).as("the guest's writes end with it").doesNotExist();
            }
        }
        assertThat(sha256(image)).as("the shared image is byte-identical").isEqualTo(before);
    }

    @Test
    void vmmsWithoutQcow2AreRefusedNamingWhy() throws Exception {
        Path tree = GuestRootfs.builder().app("#!/bin/sh\nexit 0\n").writeTo(dir.resolve("tree"));
        Path image = GuestDisks.ext4(tree, dir.resolve("chain.img"), 32);
        Path overlay = dir.resolve("scratch/root.qcow2");
        try (LoopDevice shared = LoopDevice.attach(image, true)) {
            BootSpec.Builder firecracker = BootSpec.builder()
                    .kernelHostPath(guest.kernel().toString())
                    .rootDevice(shared.path().toString())
                    .vmm(Vmm.FIRECRACKER);
            assertThatThrownBy(() -> sandbox(overlay).start(firecracker.build(), console::add))
                    .isInstanceOf(SandboxException.class)
                    .hasMessageContaining("needs vmm qemu")
                    .hasMessageContaining("firecracker");
        }
        assertThat(overlay).doesNotExist();
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
