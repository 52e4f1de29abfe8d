package io.unibloc.csi.node.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unibloc.blockstore.fs.Exec;
import io.unibloc.blockstore.fs.MountTable;
import io.unibloc.types.ErrorKind;
import io.unibloc.types.StoreException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Publishing real loop devices with real bind mounts (root): data goes through the target, read-only really is. */
class BlockPublisherIT {
    private Path dir;
    private Path device;
    private final BlockPublisher publisher = new BlockPublisher();

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createTempDirectory("publisher-it");
        Path backing = dir.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(backing.toFile(), "rw")) {
            f.setLength(8L << 20);
        }
        device = Path.of(Exec.check(List.of("losetup", "--find", "--show", backing.toString()))
                .stdout()
                .strip());
        Files.createDirectories(dir.resolve("kubelet/publish"));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (MountTable.Mount m : MountTable.read()) {
            if (m.mountPoint().startsWith(dir)) {
                Exec.run(List.of("umount", "-l", m.mountPoint().toString()));
            }
        }
        for (Path overlay : loopsBackedBy(device.toString())) {
            Exec.run(List.of("losetup", "-d", overlay.toString()));
        }
        Exec.run(List.of("losetup", "-d", device.toString()));
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private Path target(String pod) {
        return dir.resolve("kubelet/publish").resolve(pod);
    }

    @Test
    void readWritePublishIsTheDeviceAndIsIdempotent() throws Exception {
        Path target = target("pod-rw");
        for (int i = 0; i < 3; i++) {
            publisher.publish("pvc-1", device, target, false);
        }
        assertThat(publisher.shows(device, target)).isTrue();
        assertThat(MountTable.read().stream().filter(m -> m.mountPoint().equals(target)))
                .hasSize(1);
        writeAt(target, 4096, "through the bind mount");
        assertThat(readAt(device, 4096, 22)).isEqualTo("through the bind mount");
        assertThat(publisher.targetsOf(device)).containsExactly(target);
        assertThatThrownBy(() -> publisher.publish("pvc-1", device, target, true))
                .isInstanceOfSatisfying(
                        StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.ALREADY_EXISTS));
        for (int i = 0; i < 3; i++) {
            publisher.unpublish(target);
        }
        assertThat(target).doesNotExist();
        assertThat(publisher.targetsOf(device)).isEmpty();
    }

    @Test
    void readOnlyPublishGoesThroughAReadOnlyLoopAndRefusesWrites() throws Exception {
        writeAt(device, 0, "original");
        Path target = target("pod-ro");
        publisher.publish("pvc-1", device, target, true);
        publisher.publish("pvc-1", device, target, true);
        List<Path> overlays = loopsBackedBy(device.toString());
        assertThat(overlays).hasSize(1);
        assertThat(publisher.shows(device, target)).isTrue();
        assertThat(readAt(target, 0, 8)).isEqualTo("original");
        assertThatThrownBy(() -> writeAt(target, 0, "scribble")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> writeAt(overlays.get(0), 0, "scribble")).isInstanceOf(IOException.class);
        assertThat(readAt(device, 0, 8)).isEqualTo("original");
        assertThat(publisher.targetsOf(device)).containsExactly(target);
        publisher.unpublish(target);
        assertThat(loopsBackedBy(device.toString()))
                .as("the read-only overlay is detached")
                .isEmpty();
        assertThat(target).doesNotExist();
    }

    @Test
    void foreignMountsAndFilesAtTheTargetAreLeftAlone() throws Exception {
        Path foreign = target("pod-foreign");
        Files.createDirectories(foreign);
        Exec.check(List.of("mount", "-t", "tmpfs", "tmpfs", foreign.toString()));
        Files.writeString(foreign.resolve("precious"), "keep me");
        assertThatThrownBy(() -> publisher.unpublish(foreign))
                .isInstanceOfSatisfying(
                        StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION));
        assertThatThrownBy(() -> publisher.publish("pvc-1", device, foreign, false))
                .isInstanceOfSatisfying(
                        StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION));
        assertThat(Files.readString(foreign.resolve("precious"))).isEqualTo("keep me");

        Path file = target("pod-file");
        Files.writeString(file, "not empty");
        assertThatThrownBy(() -> publisher.publish("pvc-1", device, file, false))
                .isInstanceOfSatisfying(
                        StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION));
        assertThatThrownBy(() -> publisher.unpublish(file))
                .isInstanceOfSatisfying(
                        StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION));
        assertThat(Files.readString(file)).isEqualTo("not empty");

        Path link = target("pod-link");
        Files.createSymbolicLink(link, dir.resolve("disk.img"));
        assertThatThrownBy(() -> publisher.publish("pvc-1", device, link, false))
                .isInstanceOfSatisfying(
                        StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT));
        assertThat(Files.size(dir.resolve("disk.img"))).isEqualTo(8L << 20);
    }

    @Test
    void anEmptyDirectoryAtTheTargetBecomesTheDeviceFile() throws Exception {
        Path target = target("pod-dir");
        Files.createDirectories(target);
        publisher.publish("pvc-1", device, target, false);
        assertThat(publisher.shows(device, target)).isTrue();
        publisher.unpublish(target);
        assertThat(target).doesNotExist();
    }

    static List<Path> loopsBackedBy(String backing) {
        return io.unibloc.csi.node.HostState.loopsBackedBy(backing);
    }

    private static void writeAt(Path path, long offset, String text) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
            f.seek(offset);
            f.write(text.getBytes(StandardCharsets.UTF_8));
            f.getFD().sync();
        }
    }

    private static String readAt(Path path, long offset, int length) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "r")) {
            byte[] buf = new byte[length];
            f.seek(offset);
            f.readFully(buf);
            return new String(buf, StandardCharsets.UTF_8);
        }
    }
}
