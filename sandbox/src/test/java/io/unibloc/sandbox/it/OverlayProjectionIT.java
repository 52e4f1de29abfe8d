package io.unibloc.sandbox.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unibloc.sandbox.launch.OverlayProjection;
import io.unibloc.sandbox.launch.RootOverlay;
import io.unibloc.sandbox.spec.FileProjection;
import io.unibloc.sandbox.tool.ProcessRunner;
import io.unibloc.sandbox.tool.ToolResult;
import io.unibloc.sandbox.volume.FsFamily;
import io.unibloc.sandbox.volume.VolumeException;
import io.unibloc.testkit.guest.GuestDisks;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files projected into an ephemeral root's qcow2 overlay, on a real read-only loop device as a Pod gets it. The
 * overlay is read back through {@code qemu-img convert} and checked with the filesystem's own tools: the files are
 * there, every file of the image is intact, e2fsck finds nothing, and the device did not change by one byte.
 * The images are made over random bytes ({@code mkfs -E nodiscard}), so a block the overlay should hold but
 * misses shows as garbage rather than as lucky zeros.
 */
@EnabledIfSystemProperty(
        named = "unibloc.it",
        matches = "true",
        disabledReason = "attaches loop devices; runs under failsafe (mvn verify)")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class OverlayProjectionIT {

    @TempDir
    Path dir;

    private final ProcessRunner runner = new ProcessRunner();
    private final OverlayProjection projection = new OverlayProjection(runner);
    private final Random random = new Random(19);
    private Path tree;
    private Path scratch;
    private Path overlay;

    @BeforeEach
    void tree() throws IOException {
        tree = Files.createDirectories(dir.resolve("tree"));
        Files.createDirectories(tree.resolve("etc"));
        Files.createDirectories(tree.resolve("data"));
        Files.writeString(tree.resolve("etc/existing.conf"), "old content\n");
        Files.writeString(tree.resolve("etc/keep.conf"), "keep me\n");
        Files.write(tree.resolve("data/big"), randomBytes(300_000));
        for (int i = 0; i < 40; i++) {
            Files.write(tree.resolve("data/f" + i), randomBytes(9_000 + i));
        }
        scratch = Files.createDirectories(dir.resolve("scratch"));
        overlay = scratch.resolve("root.qcow2");
    }

    @Test
    void filesLandInTheOverlayWhileTheSharedDeviceStaysAsItWas() throws Exception {
        Path image = ext4OverRandomBytes(4096);
        String before = sha256(image);
        byte[] blob = randomBytes(20_000);
        List<FileProjection> files = List.of(
                new FileProjection(source("replaced", "new content\n".getBytes()), "/etc/existing.conf", 0644),
                new FileProjection(source("nested", "nested\n".getBytes()), "/etc/app/nested/deeper/app.conf", 0600),
                new FileProjection(source("blob", blob), "/srv/blob", null),
                new FileProjection(source("zeros", new byte[8192]), "/srv/zeros", 0444));

        OverlayProjection.Written written;
        Path view = dir.resolve("view.raw");
        try (LoopDevice shared = LoopDevice.attach(image, true)) {
            new RootOverlay(runner).create(shared.path(), overlay);
            written = projection.project(shared.path(), FsFamily.EXT, overlay, files);
            viewOf(overlay, view); // while the backing device is attached
        }

        System.out.printf(
                "OVERLAY ext4: %d run(s), %d bytes written for %d files%n",
                written.runs(), written.bytes(), files.size());
        assertThat(written.bytes()).as("changed blocks only, not a copy").isBetween(1L, 256L * 1024);
        try (Stream<Path> left = Files.list(scratch)) {
            assertThat(left).as("nothing but the overlay in scratch").containsExactly(overlay);
        }
        ToolResult fsck = run("e2fsck", "-fn", view.toString());
        assertThat(fsck.exitCode()).as(fsck.stdout()).isZero();
        assertThat(debugfsCat(view, "/etc/existing.conf")).isEqualTo("new content\n".getBytes());
        assertThat(debugfsCat(view, "/etc/app/nested/deeper/app.conf")).isEqualTo("nested\n".getBytes());
        assertThat(debugfsCat(view, "/srv/blob")).isEqualTo(blob);
        assertThat(debugfsCat(view, "/srv/zeros")).isEqualTo(new byte[8192]);
        assertThat(run("debugfs", "-R", "stat /etc/app/nested/deeper/app.conf", view.toString())
                        .stdout())
                .contains("Mode:  0600");
        assertThat(debugfsCat(view, "/etc/keep.conf")).isEqualTo("keep me\n".getBytes());
        assertThat(debugfsCat(view, "/data/big")).isEqualTo(Files.readAllBytes(tree.resolve("data/big")));
        for (int i = 0; i < 40; i++) {
            assertThat(debugfsCat(view, "/data/f" + i))
                    .as("/data/f" + i)
                    .isEqualTo(Files.readAllBytes(tree.resolve("data/f" + i)));
        }
        assertThat(sha256(image)).as("the shared image is byte-identical").isEqualTo(before);
    }

    @Test
    void aOneKibBlockFilesystemIsRefusedAndNoOverlayIsLeft() throws Exception {
        Path image = ext4OverRandomBytes(1024);
        String before = sha256(image);
        try (LoopDevice shared = LoopDevice.attach(image, true)) {
            new RootOverlay(runner).create(shared.path(), overlay);
            assertThatThrownBy(() -> projection.project(
                            shared.path(),
                            FsFamily.EXT,
                            overlay,
                            List.of(new FileProjection(source("x", "x".getBytes()), "/etc/x.conf", null))))
                    .isInstanceOf(VolumeException.class)
                    .hasMessageContaining(shared.path().toString())
                    .hasMessageContaining(overlay.toString())
                    .hasMessageContaining("/etc/x.conf")
                    .hasMessageContaining("1024-byte blocks")
                    .hasMessageContaining("only with 4096-byte blocks");
        }
        try (Stream<Path> left = Files.list(scratch)) {
            assertThat(left).as("no half-written overlay").isEmpty();
        }
        assertThat(sha256(image)).isEqualTo(before);
    }

    /**
     * tmpfs with huge pages reports 4096-byte blocks but maps 2 MiB of data around one written block: compared with
     * the device, the zeros around each metadata block would be copied over the image's file data (before the
     * allocation probe, this projection "succeeded" and e2fsck found the overlay's view corrupt).
     */
    @Test
    void aScratchDirectoryThatAllocatesInHugePagesIsRefusedBeforeItCorruptsAnything() throws Exception {
        Path image = ext4OverRandomBytes(4096);
        String before = sha256(image);
        Path huge = Files.createDirectories(dir.resolve("huge"));
        ToolResult mounted = run("mount", "-t", "tmpfs", "-o", "huge=always,size=256M", "tmpfs", huge.toString());
        assertThat(mounted.ok()).as(mounted.describe()).isTrue();
        try (LoopDevice shared = LoopDevice.attach(image, true)) {
            Path hugeOverlay = huge.resolve("root.qcow2");
            new RootOverlay(runner).create(shared.path(), hugeOverlay);
            assertThatThrownBy(() -> projection.project(
                            shared.path(),
                            FsFamily.EXT,
                            hugeOverlay,
                            List.of(new FileProjection(source("x", "x".getBytes()), "/etc/x.conf", null))))
                    .isInstanceOf(VolumeException.class)
                    .hasMessageContaining("the directory " + huge.resolve("root.qcow2.files")
                            + " does not allocate sparse files block by block")
                    .hasMessageContaining("written at byte 2109440 of a fresh 4194304-byte sparse file maps as data")
                    .hasMessageContaining("writeMode persistent");
            try (Stream<Path> left = Files.list(huge)) {
                assertThat(left).as("no half-written overlay").isEmpty();
            }
        } finally {
            run("umount", huge.toString());
        }
        assertThat(sha256(image)).isEqualTo(before);
    }

    @Test
    void aVfatRootLargerThanTheBoundIsRefusedWithTheSizeAndTheWayOut() throws Exception {
        Path image = GuestDisks.vfat(tree, dir.resolve("big.vfat"), 80);
        try (LoopDevice shared = LoopDevice.attach(image, true)) {
            new RootOverlay(runner).create(shared.path(), overlay);
            assertThatThrownBy(() -> projection.project(
                            shared.path(),
                            FsFamily.VFAT,
                            overlay,
                            List.of(new FileProjection(source("x", "x".getBytes()), "/x.conf", null))))
                    .isInstanceOf(VolumeException.class)
                    .hasMessageContaining(String.valueOf(80L << 20) + " bytes")
                    .hasMessageContaining("up to " + OverlayProjection.MAX_VFAT_BYTES + " bytes")
                    .hasMessageContaining("writeMode persistent");
        }
        try (Stream<Path> left = Files.list(scratch)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aFailedProjectionNamesDeviceOverlayAndFileAndLeavesNothing() throws Exception {
        Path image = ext4OverRandomBytes(4096);
        try (LoopDevice shared = LoopDevice.attach(image, true)) {
            new RootOverlay(runner).create(shared.path(), overlay);
            assertThatThrownBy(() -> projection.project(
                            shared.path(),
                            FsFamily.EXT,
                            overlay,
                            List.of(new FileProjection(source("x", "x".getBytes()), "/etc", null))))
                    .isInstanceOf(VolumeException.class)
                    .hasMessageContaining(shared.path().toString())
                    .hasMessageContaining(overlay.toString())
                    .hasMessageContaining("/etc")
                    .hasMessageContaining("a directory is there");
        }
        try (Stream<Path> left = Files.list(scratch)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void vfatRootsGetTheirFilesThroughACopyComparedSectorBySector() throws Exception {
        Files.delete(tree.resolve("data/big")); // keep the FAT image small
        Path image = GuestDisks.vfat(tree, dir.resolve("root.vfat"), 16);
        String before = sha256(image);
        byte[] blob = randomBytes(5_000);
        List<FileProjection> files = List.of(
                new FileProjection(source("replaced", "new content\n".getBytes()), "/etc/existing.conf", null),
                new FileProjection(source("blob", blob), "/app/nested/blob.bin", null));

        OverlayProjection.Written written;
        Path view = dir.resolve("view.vfat");
        try (LoopDevice shared = LoopDevice.attach(image, true)) {
            new RootOverlay(runner).create(shared.path(), overlay);
            written = projection.project(shared.path(), FsFamily.VFAT, overlay, files);
            viewOf(overlay, view);
        }

        System.out.printf("OVERLAY vfat: %d run(s), %d bytes written%n", written.runs(), written.bytes());
        try (Stream<Path> left = Files.list(scratch)) {
            assertThat(left).containsExactly(overlay);
        }
        ToolResult fsck = run("fsck.vfat", "-n", view.toString());
        assertThat(fsck.exitCode()).as(fsck.stdout()).isZero();
        assertThat(mcopyOut(view, "/etc/existing.conf")).isEqualTo("new content\n".getBytes());
        assertThat(mcopyOut(view, "/app/nested/blob.bin")).isEqualTo(blob);
        assertThat(mcopyOut(view, "/etc/keep.conf")).isEqualTo("keep me\n".getBytes());
        assertThat(mcopyOut(view, "/data/f39")).isEqualTo(Files.readAllBytes(tree.resolve("data/f39")));
        assertThat(sha256(image)).isEqualTo(before);
    }

    /** What the guest would see: the overlay over its backing device, flattened into a raw image. */
    private void viewOf(Path overlay, Path view) throws IOException {
        ToolResult converted =
                run("qemu-img", "convert", "-f", "qcow2", "-O", "raw", overlay.toString(), view.toString());
        assertThat(converted.ok()).as(converted.describe()).isTrue();
    }

    /** mkfs.ext4 over 64 MiB of random bytes, without discarding them: free blocks hold garbage. */
    private Path ext4OverRandomBytes(int blockSize) throws IOException {
        Path image = dir.resolve("root-" + blockSize + ".ext4");
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            byte[] chunk = new byte[1 << 20];
            for (int i = 0; i < 64; i++) {
                random.nextBytes(chunk);
                file.write(chunk);
            }
        }
        ToolResult mkfs = run(
                "mkfs.ext4",
                "-q",
                "-F",
                "-b",
                String.valueOf(blockSize),
                "-E",
                "nodiscard,root_owner=0:0",
                "-d",
                tree.toString(),
                image.toString());
        assertThat(mkfs.exitCode()).as(mkfs.describe()).isZero();
        return image;
    }

    private String source(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve("source-" + name), content).toString();
    }

    private byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return bytes;
    }

    private byte[] debugfsCat(Path image, String path) throws IOException {
        Path out = dir.resolve("cat.out");
        Files.deleteIfExists(out);
        run("debugfs", "-R", "dump " + path + " " + out, image.toString());
        return Files.exists(out) ? Files.readAllBytes(out) : new byte[0];
    }

    private byte[] mcopyOut(Path image, String path) throws IOException {
        Path out = dir.resolve("mcopy.out");
        Files.deleteIfExists(out);
        run(
                List.of("mcopy", "-n", "-i", image.toString(), "::" + path, out.toString()),
                Map.of("MTOOLS_SKIP_CHECK", "1"));
        return Files.exists(out) ? Files.readAllBytes(out) : new byte[0];
    }

    private ToolResult run(String... command) throws IOException {
        return run(List.of(command), Map.of());
    }

    private ToolResult run(List<String> command, Map<String, String> env) throws IOException {
        return runner.run(command, env);
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
