package io.unibloc.blockstore.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unibloc.blockstore.BlockStore;
import io.unibloc.blockstore.fs.FsCheck;
import io.unibloc.blockstore.fs.Mounts;
import io.unibloc.blockstore.layers.LayerLimits;
import io.unibloc.blockstore.layers.LayerSource;
import io.unibloc.blockstore.layers.TarFixture;
import io.unibloc.registry.ref.Digest;
import io.unibloc.types.ErrorKind;
import io.unibloc.types.FsType;
import io.unibloc.types.StoreException;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Growing a clone of a parent chain before applying the next layer, on images big enough that the
 * kernel's own ext4 reserve (2% of the blocks, at most 16 MiB) matters: the shape of {@code unibloc bench}'s
 * "second image, +5 MiB top layer", which once failed with ENOSPC at the fifth 1 MiB file.
 */
class ChainGrowthIT {
    private static final int MIB = 1 << 20;

    private ChainFixture store;
    private Path blobs;

    @BeforeEach
    void setUp() throws Exception {
        store = new ChainFixture(LayerLimits.DEFAULT);
        blobs = Files.createDirectories(store.dir.resolve("blobs"));
    }

    @AfterEach
    void tearDown() throws Exception {
        store.close();
    }

    @Test
    void aFiveMiBTopLayerFitsOnAParentThatWasGrownTightly() throws Exception {
        // base by mkfs -d (112 MiB), then a grown 16 MiB layer: the parent ends ~130 MiB with little slack left
        ChainRequest.Layer base = randomLayer("base", 112, 1);
        ChainRequest.Layer middle = randomLayer("middle", 16, 2);
        ChainRequest.Layer top = randomLayer("top", 5, 3);
        store.builder.build(new ChainRequest(List.of(base, middle), FsType.EXT4, null, 0), BlockStore.Progress.NONE);

        ChainBuilder.Result second = store.builder.build(
                new ChainRequest(List.of(base, middle, top), FsType.EXT4, null, 0), BlockStore.Progress.NONE);

        Path image = store.repository.image(second.top());
        assertThat(FsCheck.check(image, FsType.EXT4).clean()).isTrue();
        Path mount = Files.createTempDirectory("chain-growth-ro-");
        Mounts.mountLoop(image, mount, "ext4", "ro");
        try {
            for (int i = 0; i < 5; i++) {
                assertThat(Files.size(mount.resolve("top/blob" + i + ".bin"))).isEqualTo(MIB);
            }
            assertThat(mount.resolve("top/etc/conf49.txt")).exists();
            assertThat(mount.resolve("base/blob111.bin")).exists();
        } finally {
            Mounts.unmount(mount);
            Files.deleteIfExists(mount);
        }
        long parentBytes = Files.size(store.repository.image(second.chains().get(1)));
        assertThat(Files.size(image) - parentBytes)
                .as("growth stays near the layer's size")
                .isLessThanOrEqualTo(24L * MIB);
    }

    @Test
    void aLayerThatStillOverflowsTheGrownImageIsResourceExhaustedAndLeavesNothingBehind() throws Exception {
        // a base of many empty files leaves free inodes, so growth for inodes (which adds whole groups) is not needed
        TarFixture many = new TarFixture();
        for (int i = 0; i < 20_000; i++) {
            many.file("base/d" + i / 100 + "/f" + i, ""); // mkfs -d is quadratic in one directory's size
        }
        ChainRequest.Layer base = layer(many);
        // then empty files whose distinct 3 KiB xattrs each take a block the layer summary does not count,
        // and a file whose data no longer fits
        TarFixture bulky = new TarFixture();
        byte[] filler = new byte[3000];
        java.util.Arrays.fill(filler, (byte) 'x');
        for (int i = 0; i < 4000; i++) {
            bulky.file(
                    "x/f" + i,
                    new byte[0],
                    0644,
                    0,
                    0,
                    Map.of("user.big", String.format("%05d", i) + new String(filler, StandardCharsets.US_ASCII)));
        }
        byte[] data = new byte[4 * MIB];
        new SplittableRandom(7).nextBytes(data);
        bulky.file("x/zz-data", data, 0644, 0, 0, Map.of());
        ChainRequest.Layer over = layer(bulky);
        store.builder.build(new ChainRequest(List.of(base), FsType.EXT4, null, 0), BlockStore.Progress.NONE);

        ChainRequest request = new ChainRequest(List.of(base, over), FsType.EXT4, null, 0);
        ChainId wanted = ChainId.of(request.diffIds(), FsType.EXT4, "");
        assertThatThrownBy(() -> store.builder.build(request, BlockStore.Progress.NONE))
                .isInstanceOfSatisfying(
                        StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.RESOURCE_EXHAUSTED))
                .hasMessageContaining(wanted.toString())
                .hasMessageContaining(over.source().digest().toString())
                .hasMessageContaining("2/2");
        assertThat(store.repository.list()).hasSize(1);
        assertThat(store.repository.exists(wanted)).isFalse();
        assertThat(store.tmpEntries()).isZero();
        assertThat(store.intents.list()).isEmpty();
        assertThat(Mounts.mountPoints()).noneMatch(p -> p.startsWith(store.backend.dataRoot() + "/tmp"));
    }

    private ChainRequest.Layer layer(TarFixture tar) {
        LayerSource source = tar.write(blobs, io.unibloc.blockstore.layers.Compression.GZIP);
        return new ChainRequest.Layer(Digest.sha256(TarFixture.sha256(tar.tar())), source);
    }

    /** An uncompressed layer of {@code mib} pseudo-random 1 MiB files plus 50 small ones, streamed to disk. */
    private ChainRequest.Layer randomLayer(String dir, int mib, long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        Path temp = blobs.resolve(dir + ".tar");
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(temp), MIB);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(new DigestOutputStream(file, sha))) {
            byte[] content = new byte[MIB];
            for (int i = 0; i < mib; i++) {
                fill(random, content);
                put(tar, dir + "/blob" + i + ".bin", content, MIB);
            }
            for (int i = 0; i < 50; i++) {
                fill(random, content);
                put(tar, dir + "/etc/conf" + i + ".txt", content, 100 + random.nextInt(400));
            }
            tar.finish();
        }
        String hex = HexFormat.of().formatHex(sha.digest());
        Path blob = blobs.resolve(hex);
        Files.move(temp, blob);
        Digest digest = Digest.sha256(hex);
        return new ChainRequest.Layer(
                digest,
                new LayerSource(
                        digest,
                        TarFixture.mediaType(io.unibloc.blockstore.layers.Compression.NONE),
                        Files.size(blob),
                        blob));
    }

    private static void put(TarArchiveOutputStream tar, String name, byte[] content, int length) throws Exception {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(length);
        entry.setMode(0644);
        entry.setModTime(TarFixture.MTIME.toEpochMilli());
        tar.putArchiveEntry(entry);
        tar.write(content, 0, length);
        tar.closeArchiveEntry();
    }

    private static void fill(SplittableRandom random, byte[] bytes) {
        for (int i = 0; i < bytes.length; i += 8) {
            long v = random.nextLong();
            for (int k = 0; k < 8; k++) {
                bytes[i + k] = (byte) (v >>> (8 * k));
            }
        }
    }
}
