package io.unibloc.blockstore.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unibloc.blockstore.BlockStore;
import io.unibloc.blockstore.fs.Exec;
import io.unibloc.blockstore.fs.FsCheck;
import io.unibloc.blockstore.fs.Mounts;
import io.unibloc.blockstore.fs.Xattrs;
import io.unibloc.blockstore.layers.Compression;
import io.unibloc.blockstore.layers.LayerLimits;
import io.unibloc.blockstore.layers.LayerSource;
import io.unibloc.blockstore.layers.TarFixture;
import io.unibloc.registry.ref.Digest;
import io.unibloc.types.ErrorKind;
import io.unibloc.types.FsType;
import io.unibloc.types.StoreException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Chain images built on real loop mounts, checked by fsck and by reading them back mounted read-only. */
class ChainBuilderIT {
    private ChainFixture store;
    private Path blobs;

    @BeforeEach
    void setUp() throws Exception {
        store = new ChainFixture(LayerLimits.DEFAULT);
        blobs = store.dir.resolve("blobs");
    }

    @AfterEach
    void tearDown() throws Exception {
        store.close();
    }

    private ChainRequest.Layer layer(TarFixture tar, Compression compression) {
        LayerSource source = tar.write(blobs, compression);
        // the diff id of a test layer only has to be unique and stable
        return new ChainRequest.Layer(Digest.sha256(TarFixture.sha256(tar.tar())), source);
    }

    private List<ChainRequest.Layer> threeLayers() {
        return List.of(
                layer(
                        new TarFixture()
                                .dir("etc", 0755)
                                .file(
                                        "etc/app.conf",
                                        "v1".getBytes(StandardCharsets.UTF_8),
                                        0640,
                                        1000,
                                        1001,
                                        Map.of("user.origin", "base"))
                                .file("etc/gone", "x")
                                .file("var/lib/old/a", "a")
                                .file("var/lib/old/b", "b")
                                .symlink("etc/link", "app.conf")
                                .hardlink("etc/hard", "etc/app.conf")
                                .zeros("data/big", 3 << 20),
                        Compression.GZIP),
                layer(
                        new TarFixture()
                                .whiteout("etc/gone")
                                .dir("var/lib/old", 0700)
                                .opaque("var/lib/old")
                                .file("var/lib/old/new", "n")
                                .file("etc/app.conf", "v2"),
                        Compression.ZSTD),
                layer(
                        new TarFixture()
                                .fifo("run/fifo")
                                .file(
                                        "bin/tool",
                                        "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8),
                                        04755,
                                        0,
                                        0,
                                        Map.of("user.cap", "yes"))
                                .whiteout("data"),
                        Compression.NONE));
    }

    private void readOnly(Path image, String fs, Consumer<Path> check) throws Exception {
        Path mount = Files.createTempDirectory("chain-ro-");
        Mounts.mountLoop(image, mount, fs, "ro");
        try {
            check.accept(mount);
        } finally {
            Mounts.unmount(mount);
            Files.delete(mount);
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = FsType.class,
            names = {"EXT4", "EXT2"})
    void buildsOneSealedFsckCleanImagePerLayerPrefix(FsType fs) throws Exception {
        ChainRequest request = new ChainRequest(threeLayers(), fs, null, 0);
        ChainBuilder.Result result = store.builder.build(request, BlockStore.Progress.NONE);

        assertThat(result.cached()).isFalse();
        assertThat(result.chains()).hasSize(3).doesNotHaveDuplicates();
        for (ChainId id : result.chains()) {
            Path image = store.repository.image(id);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(image)))
                    .isEqualTo("r--r--r--");
            FsCheck.Report report = FsCheck.check(image, fs);
            assertThat(report.clean()).as(report.output()).isTrue();
        }
        readOnly(store.repository.image(result.chains().get(0)), fs.id(), root -> {
            assertThat(root.resolve("etc/gone")).exists();
            assertThat(root.resolve("var/lib/old/a")).exists();
            try {
                assertThat(Files.getLastModifiedTime(root.resolve("etc")).toInstant())
                        .isEqualTo(TarFixture.MTIME);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        readOnly(store.repository.image(result.top()), fs.id(), root -> {
            try {
                Path conf = root.resolve("etc/app.conf");
                assertThat(Files.readString(conf)).isEqualTo("v2");
                assertThat(Files.readString(root.resolve("etc/hard")))
                        .as("hard link keeps the old inode")
                        .isEqualTo("v1");
                assertThat(Files.getAttribute(root.resolve("etc/hard"), "unix:uid"))
                        .isEqualTo(1000);
                assertThat(Files.getAttribute(root.resolve("etc/hard"), "unix:mode"))
                        .isEqualTo(0100640);
                assertThat(Xattrs.get(root.resolve("etc/hard"), "user.origin"))
                        .hasValue("base".getBytes(StandardCharsets.UTF_8));
                assertThat(Files.readSymbolicLink(root.resolve("etc/link"))).isEqualTo(Path.of("app.conf"));
                assertThat(root.resolve("etc/gone")).doesNotExist();
                assertThat(root.resolve("var/lib/old/a")).doesNotExist();
                assertThat(root.resolve("var/lib/old/new")).exists();
                assertThat(Files.getAttribute(root.resolve("var/lib/old"), "unix:mode"))
                        .isEqualTo(040700);
                assertThat(root.resolve("data")).doesNotExist();
                assertThat(Files.getAttribute(root.resolve("bin/tool"), "unix:mode"))
                        .isEqualTo(0104755);
                assertThat(Xattrs.get(root.resolve("bin/tool"), "user.cap"))
                        .hasValue("yes".getBytes(StandardCharsets.UTF_8));
                assertThat(Files.readAttributes(
                                        root.resolve("run/fifo"),
                                        java.nio.file.attribute.BasicFileAttributes.class,
                                        LinkOption.NOFOLLOW_LINKS)
                                .isOther())
                        .isTrue();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        String debugfs = Exec.check(List.of(
                        "debugfs",
                        "-R",
                        "ea_list /bin/tool",
                        store.repository.image(result.top()).toString()))
                .stdout();
        assertThat(debugfs).contains("user.cap").contains("yes");

        ChainBuilder.Result again = store.builder.build(request, BlockStore.Progress.NONE);
        assertThat(again.cached()).isTrue();
        assertThat(again.chains()).isEqualTo(result.chains());
        assertThat(store.misses(fs.id())).isEqualTo(3);
        assertThat(store.tmpEntries()).isZero();
        assertThat(store.intents.list()).isEmpty();
    }

    @Test
    void sharesTheBaseChainBetweenImagesAndItsBlocksWithTheNextChain() throws Exception {
        List<ChainRequest.Layer> layers = threeLayers();
        ChainBuilder.Result first = store.builder.build(
                new ChainRequest(layers.subList(0, 2), FsType.EXT4, null, 0), BlockStore.Progress.NONE);
        ChainBuilder.Result second = store.builder.build(
                new ChainRequest(List.of(layers.get(0), layers.get(2)), FsType.EXT4, null, 0),
                BlockStore.Progress.NONE);
        assertThat(second.chains().get(0)).isEqualTo(first.chains().get(0));
        assertThat(second.top()).isNotEqualTo(first.top());
        assertThat(store.misses("ext4")).isEqualTo(3);
        var map = io.unibloc.blockstore.fs.Fiemap.of(store.repository.image(second.top()));
        assertThat(map.exclusiveBytes())
                .as("the next chain owns only what its layer wrote")
                .isLessThan(map.allocatedBytes() / 2);
    }

    @Test
    void aHostileUpperLayerLeavesNothingHalfBuilt() throws Exception {
        Path outside = Files.createDirectories(store.dir.resolve("outside"));
        ChainRequest.Layer base = threeLayers().get(0);
        ChainRequest.Layer evil = layer(
                new TarFixture().symlink("evil", "../../../../../../../..").file("evil/x", "x"), Compression.GZIP);
        assertThatThrownBy(() -> store.builder.build(
                        new ChainRequest(List.of(base, evil), FsType.EXT4, null, 0), BlockStore.Progress.NONE))
                .isInstanceOfSatisfying(
                        StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
                .hasMessageContaining(evil.source().digest().toString())
                .hasMessageContaining("evil/x");
        assertThat(store.repository.list()).hasSize(1);
        assertThat(store.tmpEntries()).isZero();
        assertThat(store.intents.list()).isEmpty();
        assertThat(Mounts.mountPoints()).noneMatch(p -> p.startsWith(store.backend.dataRoot() + "/tmp"));
        assertThat(outside).isEmptyDirectory();
    }

    @Test
    void thirtyTwoThreadsAskingForTheSameChainBuildItOnce() throws Exception {
        ChainRequest request = new ChainRequest(threeLayers(), FsType.EXT4, null, 0);
        ExecutorService pool = Executors.newFixedThreadPool(32);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<ChainBuilder.Result>> results = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return store.builder.build(request, BlockStore.Progress.NONE);
                }));
            }
            start.countDown();
            List<ChainId> first = results.get(0).get().chains();
            for (Future<ChainBuilder.Result> result : results) {
                assertThat(result.get().chains()).isEqualTo(first);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.misses("ext4")).isEqualTo(3);
        assertThat(store.repository.list()).hasSize(3);
    }

    @Test
    void buildsAVfatImageFromTheMergedTree() throws Exception {
        List<ChainRequest.Layer> layers = List.of(
                layer(
                        new TarFixture()
                                .file("EFI/boot/a-rather-long-file-name.conf", "long")
                                .file("kernel", "k")
                                .symlink("kernel.link", "kernel")
                                .symlink("dangling", "nowhere")
                                .hardlink("kernel.hard", "kernel"),
                        Compression.GZIP),
                layer(new TarFixture().whiteout("kernel").file("kernel", "k2"), Compression.GZIP));
        ChainBuilder.Result result =
                store.builder.build(new ChainRequest(layers, FsType.VFAT, null, 0), BlockStore.Progress.NONE);
        assertThat(result.chains()).hasSize(1);
        Path image = store.repository.image(result.top());
        FsCheck.Report report = FsCheck.check(image, FsType.VFAT);
        assertThat(report.clean()).as(report.output()).isTrue();
        Map<String, String> env = Map.of("MTOOLS_SKIP_CHECK", "1");
        assertThat(Exec.check(List.of("mtype", "-i", image.toString(), "::/EFI/boot/a-rather-long-file-name.conf"), env)
                        .stdout())
                .isEqualTo("long");
        assertThat(Exec.check(List.of("mtype", "-i", image.toString(), "::/kernel"), env)
                        .stdout())
                .isEqualTo("k2");
        assertThat(Exec.check(List.of("mtype", "-i", image.toString(), "::/kernel.link"), env)
                        .stdout())
                .as("a symlink is materialised from the merged tree")
                .isEqualTo("k2");
        assertThat(Exec.check(List.of("mtype", "-i", image.toString(), "::/kernel.hard"), env)
                        .stdout())
                .isEqualTo("k");
        assertThat(Exec.run(
                                List.of("mtype", "-i", image.toString(), "::/dangling"),
                                env,
                                java.time.Duration.ofSeconds(10))
                        .ok())
                .isFalse();
        assertThat(fatType(image))
                .as("a small volume is FAT12 as mkfs.fat chooses")
                .isEqualTo("FAT12");

        ChainBuilder.Result fat32 =
                store.builder.build(new ChainRequest(layers, FsType.VFAT, null, 32), BlockStore.Progress.NONE);
        assertThat(fat32.top()).isNotEqualTo(result.top());
        assertThat(fatType(store.repository.image(fat32.top()))).isEqualTo("FAT32");
        assertThat(FsCheck.check(store.repository.image(fat32.top()), FsType.VFAT)
                        .clean())
                .isTrue();
    }

    private static String fatType(Path image) throws Exception {
        byte[] boot = new byte[90];
        try (var in = Files.newInputStream(image)) {
            in.readNBytes(boot, 0, boot.length);
        }
        String fat32 = new String(boot, 82, 8, StandardCharsets.US_ASCII).trim();
        return fat32.startsWith("FAT32") ? "FAT32" : new String(boot, 54, 8, StandardCharsets.US_ASCII).trim();
    }

    @Test
    void takesARawDiskFromTheLabelledPathAsIs() throws Exception {
        byte[] disk = new byte[1 << 20];
        new java.util.Random(7).nextBytes(disk);
        List<ChainRequest.Layer> layers = List.of(layer(
                new TarFixture()
                        .file("disk/root.img", disk, 0644, 0, 0, Map.of())
                        .symlink("current", "disk/root.img"),
                Compression.GZIP));
        ChainBuilder.Result result =
                store.builder.build(new ChainRequest(layers, FsType.RAW, "/current", 0), BlockStore.Progress.NONE);
        assertThat(Files.readAllBytes(store.repository.image(result.top()))).isEqualTo(disk);

        assertThatThrownBy(() -> store.builder.build(
                        new ChainRequest(layers, FsType.RAW, "/missing.img", 0), BlockStore.Progress.NONE))
                .isInstanceOfSatisfying(
                        StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
        assertThatThrownBy(() -> store.builder.build(
                        new ChainRequest(layers, FsType.RAW, "../../etc/passwd", 0), BlockStore.Progress.NONE))
                .isInstanceOfSatisfying(
                        StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT));
        assertThatThrownBy(() ->
                        store.builder.build(new ChainRequest(layers, FsType.RAW, null, 0), BlockStore.Progress.NONE))
                .hasMessageContaining("io.unibloc.disk");
        assertThat(store.tmpEntries()).isZero();
    }
}
