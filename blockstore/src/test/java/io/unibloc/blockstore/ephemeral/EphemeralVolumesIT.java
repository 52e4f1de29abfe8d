package io.unibloc.blockstore.ephemeral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unibloc.blockstore.BlockStore;
import io.unibloc.blockstore.BlockStore.GcPolicy;
import io.unibloc.blockstore.BlockStore.VolumeSpec;
import io.unibloc.blockstore.DefaultBlockStore;
import io.unibloc.blockstore.StoreConfig;
import io.unibloc.blockstore.fs.Exec;
import io.unibloc.blockstore.fs.Mounts;
import io.unibloc.blockstore.host.LoopDevices;
import io.unibloc.registry.auth.RegistryCredentials;
import io.unibloc.registry.ref.ImageReference;
import io.unibloc.testkit.image.Compression;
import io.unibloc.testkit.image.TestImage;
import io.unibloc.testkit.image.TestLayer;
import io.unibloc.types.ErrorKind;
import io.unibloc.types.FsType;
import io.unibloc.types.StoreException;
import io.unibloc.types.WriteMode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Ephemeral volumes on a real XFS-loop store: read-only devices of chain-image links, GC, restarts, qcow2 overlays. */
class EphemeralVolumesIT {
    private Path dir;
    private DefaultBlockStore store;

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createTempDirectory("ephemeral-store-");
        store = open();
    }

    private DefaultBlockStore open() {
        return DefaultBlockStore.open(StoreConfig.defaults(dir.resolve("store")).withXfsLoopBytes(2L << 30));
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (store != null) {
                for (BlockStore.Volume v : store.listVolumes()) {
                    store.detach(v.id());
                }
                store.gc(new GcPolicy(Long.MAX_VALUE, true));
                store.close();
            }
        } finally {
            for (LoopDevices.Attached l : new LoopDevices().attached()) {
                if (l.backingPath().startsWith(dir.toString())
                        && !l.backingPath().endsWith("xfs.img")) {
                    Exec.run(List.of("losetup", "--detach", l.device())); // whatever a failed test left
                }
            }
            Mounts.unmountIfMounted(dir.resolve("store/mnt"));
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private ImageReference image(String tag) {
        Path layout = dir.resolve("layout");
        byte[] big = new byte[2 << 20];
        Arrays.fill(big, (byte) 7);
        TestImage.builder()
                .layer(TestLayer.builder()
                        .dir("etc")
                        .file("etc/os-release", "ID=test\n")
                        .file("lib/big.bin", big)
                        .build(Compression.GZIP))
                .layer(TestLayer.builder().file("app/main", tag).build(Compression.ZSTD))
                .build()
                .writeLayout(layout, tag);
        return ImageReference.parse("oci:" + layout + ":" + tag);
    }

    private BlockStore.Volume create(String id, ImageReference ref) {
        return store.createVolume(
                new VolumeSpec(id, ref, FsType.EXT4, 0, 0, false, WriteMode.EPHEMERAL),
                RegistryCredentials.NONE,
                BlockStore.Progress.NONE);
    }

    private Path chainImage(BlockStore.Volume record) {
        return dir.resolve("store/mnt/chains/" + record.chainId() + ".img").toAbsolutePath();
    }

    /** Loop devices backed by {@code file} right now, from the kernel. */
    private static List<String> loopsOf(Path file) {
        return new LoopDevices()
                .attached().stream()
                        .filter(l -> l.backingPath().equals(file.toString()))
                        .map(LoopDevices.Attached::device)
                        .toList();
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** An ephemeral volume's device and the size its guest's overlay gets. */
    private record Attached(String device, long overlayBytes) {}

    /** The ephemeral volumes of the store, through {@link BlockStore} alone. */
    private final class Eph {
        Attached attach(String id) {
            String device = store.attach(id, BlockStore.AttachOptions.DEFAULT).device();
            return new Attached(device, store.findVolume(id).orElseThrow().sizeBytes());
        }

        java.util.Optional<String> device(String id) {
            return store.findVolume(id).flatMap(BlockStore.Volume::device);
        }

        java.util.Optional<BlockStore.Volume> find(String id) {
            return store.findVolume(id);
        }

        void detach(String id) {
            store.detach(id);
        }

        void delete(String id) {
            store.deleteVolume(id);
        }
    }

    private Eph eph() {
        return new Eph();
    }

    private Path link(String id) {
        return dir.resolve("store/mnt/ephemeral/" + id + "/chain.img").toAbsolutePath();
    }

    private static Object inode(Path file) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    }

    @Test
    void volumesOfOneImageReadOneInodeThroughDevicesFoundInTheKernel() throws Exception {
        ImageReference ref = image("a");
        BlockStore.Volume first = create("eph-1", ref);
        create("eph-2", ref);
        create("eph-3", ref);
        Eph volumes = eph();
        assertThat(volumes.device("eph-1"))
                .as("nothing attached before the first attach")
                .isEmpty();

        Attached a1 = volumes.attach("eph-1");
        Attached a2 = volumes.attach("eph-2");
        Attached a3 = volumes.attach("eph-3");
        assertThat(List.of(a1.device(), a2.device(), a3.device())).doesNotHaveDuplicates();
        for (String id : List.of("eph-1", "eph-2", "eph-3")) {
            assertThat(inode(link(id)))
                    .as(id + " reads the chain image's inode")
                    .isEqualTo(inode(chainImage(first)));
            assertThat(loopsOf(link(id))).as(id).hasSize(1);
        }
        assertThat(volumes.attach("eph-2").device()).as("idempotent").isEqualTo(a2.device());
        assertThat(loopsOf(chainImage(first)))
                .as("the chain image itself is never attached")
                .isEmpty();

        volumes.detach("eph-1");
        assertThat(volumes.device("eph-1")).isEmpty();
        assertThat(volumes.device("eph-3")).hasValue(a3.device());
        volumes.detach("eph-2");
        volumes.detach("eph-3");
        volumes.detach("eph-3");
        assertThat(new LoopDevices()
                        .attached().stream()
                                .filter(l -> l.backingPath().startsWith(dir.toString()))
                                .filter(l -> !l.backingPath().endsWith("xfs.img")))
                .isEmpty();
    }

    @Test
    void guestWritesGoToTheOverlayAndNeverReachTheChainImage() throws Exception {
        ImageReference ref = image("ro");
        BlockStore.Volume record = create("eph-ro", ref);
        String before = sha256(chainImage(record));
        Attached attachment = eph().attach("eph-ro");

        assertThat(Files.readString(Path.of(
                                "/sys/block",
                                Path.of(attachment.device()).getFileName().toString(),
                                "ro"))
                        .strip())
                .as("read-only in the kernel")
                .isEqualTo("1");
        assertThatThrownBy(() -> {
                    try (FileChannel channel =
                            FileChannel.open(Path.of(attachment.device()), StandardOpenOption.WRITE)) {
                        channel.write(ByteBuffer.allocate(4096));
                    }
                })
                .isInstanceOf(IOException.class);
        assertThat(sha256(Path.of(attachment.device())))
                .as("the device shows the chain image's bytes")
                .isEqualTo(before);

        Path overlay = dir.resolve("overlay.qcow2");
        Exec.check(List.of(
                "qemu-img",
                "create",
                "-q",
                "-f",
                "qcow2",
                "-F",
                "raw",
                "-b",
                attachment.device(),
                overlay.toString(),
                Long.toString(attachment.overlayBytes())));
        Exec.check(List.of("qemu-io", "-f", "qcow2", "-t", "none", "-c", "write -P 0xab 0 1M", overlay.toString()));
        Exec.Result read = Exec.check(List.of("qemu-io", "-f", "qcow2", "-c", "read -P 0xab 0 1M", overlay.toString()));
        assertThat(read.output()).doesNotContain("Pattern verification failed");

        assertThat(sha256(chainImage(record)))
                .as("chain image unchanged after the guest wrote")
                .isEqualTo(before);
        assertThat(sha256(Path.of(attachment.device()))).isEqualTo(before);
    }

    @Test
    void gcKeepsTheChainOfEveryEphemeralVolume() throws Exception {
        ImageReference ref = image("gc");
        BlockStore.Volume record = create("eph-gc", ref);
        eph().attach("eph-gc");
        store.gc(new GcPolicy(0, true));
        assertThat(chainImage(record)).as("attached ephemeral volume").exists();

        eph().detach("eph-gc");
        store.gc(new GcPolicy(0, true));
        assertThat(chainImage(record)).as("the record alone is a root").exists();
        assertThat(eph().attach("eph-gc").device()).startsWith("/dev/loop");
        eph().detach("eph-gc");

        eph().delete("eph-gc");
        assertThat(link("eph-gc")).doesNotExist();
        store.gc(new GcPolicy(0, true));
        assertThat(chainImage(record)).as("unused now").doesNotExist();
    }

    @Test
    void aRestartFindsTheDevicesAgainAndHealsWhatACrashLeft() throws Exception {
        ImageReference ref = image("restart");
        create("eph-r1", ref);
        create("eph-r2", ref);
        create("eph-r3", ref);
        Attached a1 = eph().attach("eph-r1");
        Attached a2 = eph().attach("eph-r2");
        Attached a3 = eph().attach("eph-r3");
        // eph-r3's record lost in a crash while attached: its device is a leftover nothing can reach
        Files.delete(dir.resolve("store/mnt/ephemeral/eph-r3/volume.json"));

        store.close();
        store = open();
        Eph volumes = eph();
        assertThat(volumes.device("eph-r1")).hasValue(a1.device());
        assertThat(volumes.attach("eph-r2").device()).isEqualTo(a2.device());
        assertThat(loopsOf(link("eph-r3")))
                .as("leftover device detached at start")
                .isEmpty();
        assertThat(new LoopDevices().attached().stream().map(LoopDevices.Attached::backingPath))
                .doesNotContain(link("eph-r3").toString());
        assertThat(a3.device()).isNotEqualTo(a1.device());
        volumes.detach("eph-r1");
        volumes.detach("eph-r2");
        assertThat(volumes.device("eph-r2")).isEmpty();
    }

    @Test
    void devicesAttachedThroughAnotherPathViewAreFoundByInodeAndPathTail() throws Exception {
        ImageReference ref = image("elsewhere");
        create("eph-ns1", ref);
        create("eph-ns2", ref);
        eph().attach("eph-ns1"); // makes the links
        eph().attach("eph-ns2");
        eph().detach("eph-ns1");
        eph().detach("eph-ns2");
        // as a node plugin in another container saw the store: another path to the same files
        Path other = Files.createDirectories(dir.resolve("other-view"));
        assertThat(Exec.run(List.of("mount", "--bind", dir.resolve("store/mnt").toString(), other.toString()))
                        .ok())
                .isTrue();
        String device;
        try {
            Exec.Result attached = Exec.run(List.of(
                    "losetup",
                    "--find",
                    "--show",
                    "--read-only",
                    other.resolve("ephemeral/eph-ns1/chain.img").toString()));
            assertThat(attached.ok()).as(attached.output()).isTrue();
            device = attached.stdout().strip();
        } finally {
            Exec.run(List.of("umount", "--lazy", other.toString())); // that container is gone
        }
        Eph volumes = eph();
        try {
            assertThat(volumes.device("eph-ns1")).hasValue(device);
            assertThat(volumes.device("eph-ns2"))
                    .as("same inode, another volume")
                    .isEmpty();
            assertThat(volumes.attach("eph-ns1").device())
                    .as("no second device")
                    .isEqualTo(device);
            assertThatThrownBy(() -> volumes.delete("eph-ns1"))
                    .isInstanceOfSatisfying(
                            StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION));
            volumes.detach("eph-ns1");
            assertThat(new LoopDevices().attached().stream().map(LoopDevices.Attached::device))
                    .doesNotContain(device);
            assertThat(volumes.device("eph-ns1")).isEmpty();
        } finally {
            Exec.run(List.of("losetup", "--detach", device)); // its path names no file here: tearDown cannot find it
        }
    }

    @Test
    void anIdIsEitherPersistentOrEphemeralAndUnknownVolumesAreNamed() {
        ImageReference ref = image("ids");
        create("eph-x", ref);
        assertThatThrownBy(() -> store.createVolume(
                        new VolumeSpec("eph-x", ref, FsType.EXT4, 0, false),
                        RegistryCredentials.NONE,
                        BlockStore.Progress.NONE))
                .isInstanceOfSatisfying(
                        StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.ALREADY_EXISTS))
                .hasMessageContaining("eph-x")
                .hasMessageContaining("ephemeral");
        store.createVolume(
                new VolumeSpec("pers-x", ref, FsType.EXT4, 0, false),
                RegistryCredentials.NONE,
                BlockStore.Progress.NONE);
        assertThatThrownBy(() -> create("pers-x", ref))
                .isInstanceOfSatisfying(
                        StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.ALREADY_EXISTS))
                .hasMessageContaining("pers-x")
                .hasMessageContaining("persistent");
        store.deleteVolume("pers-x");
        assertThatThrownBy(() -> eph().attach("nope"))
                .isInstanceOfSatisfying(
                        StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND))
                .hasMessageContaining("nope");
        eph().attach("eph-x");
        assertThatThrownBy(() -> eph().delete("eph-x"))
                .isInstanceOfSatisfying(
                        StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION));
        eph().detach("eph-x");
        eph().delete("eph-x");
        assertThat(eph().find("eph-x")).isEmpty();
        assertThat(dir.resolve("store/mnt/ephemeral/eph-x")).doesNotExist();
        assertThat(dir.resolve("store/locks/volume-eph-x.lock"))
                .as("the lock file goes with the volume")
                .doesNotExist();
    }
}
