package io.unibloc.blockstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.unibloc.blockstore.fs.Mounts;
import io.unibloc.registry.auth.RegistryCredentials;
import io.unibloc.registry.ref.ImageReference;
import io.unibloc.testkit.image.Compression;
import io.unibloc.testkit.image.TestImage;
import io.unibloc.testkit.image.TestLayer;
import io.unibloc.types.FsType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link BlockStore#usage()} on a real XFS-loop store: a child chain that adds N MiB of random data on top of
 * a parent chain must grow the physical chain bytes by at least N MiB (the data cannot take less) and by
 * not much more (the rest of the child is shared with its parent).
 */
class UsageAccountingIT {
    private static final long MIB = 1L << 20;
    private static final int BASE_MIB = 16;
    private static final int TOP_MIB = 5;
    /** ext4 metadata a layer apply writes besides the data: inode tables, bitmaps, journal blocks, directories. */
    private static final long METADATA_ALLOWANCE = 2 * MIB;

    private Path dir;
    private DefaultBlockStore store;

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createTempDirectory("usage-store-");
        store = DefaultBlockStore.open(StoreConfig.defaults(dir.resolve("store"))
                .withXfsLoopBytes(1L << 30)
                .withMeters(new SimpleMeterRegistry()));
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (store != null) {
                store.close();
            }
        } finally {
            Mounts.unmountIfMounted(dir.resolve("store/mnt"));
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    void childChainAddsItsUniqueBytesOnceToThePhysicalTotal() {
        TestLayer base = randomLayer("base", BASE_MIB, 1);
        TestLayer top = randomLayer("top", TOP_MIB, 2);
        ImageReference parent = layout("parent", TestImage.builder().layer(base));
        ImageReference child = layout("child", TestImage.builder().layer(base).layer(top));

        store.prepare(parent, FsType.EXT4, RegistryCredentials.NONE, BlockStore.Progress.NONE);
        BlockStore.StoreUsage before = store.usage();
        store.prepare(child, FsType.EXT4, RegistryCredentials.NONE, BlockStore.Progress.NONE);
        BlockStore.StoreUsage after = store.usage();

        assertThat(after.chains()).isEqualTo(before.chains() + 1);
        // physicalBytes covers chain images and volumes only; blobs live outside the CoW filesystem and are
        // reported apart, so subtracting blobBytes here would take the new layer's bytes off twice.
        assertThat(after.blobBytes() - before.blobBytes())
                .as("the new layer blob")
                .isGreaterThanOrEqualTo(TOP_MIB * MIB);
        long chainDelta = after.physicalBytes() - before.physicalBytes();
        long unique = TOP_MIB * MIB;
        System.out.printf(
                "usage before=%s after=%s chainDelta=%d ratio=%.3f%n",
                before, after, chainDelta, (double) chainDelta / unique);
        assertThat(chainDelta)
                .as("new chain bytes for %d MiB of random data", TOP_MIB)
                .isGreaterThanOrEqualTo(unique)
                .isLessThanOrEqualTo((long) (1.1 * unique) + METADATA_ALLOWANCE);
    }

    private ImageReference layout(String name, TestImage.Builder image) {
        Path layout = dir.resolve("layout-" + name);
        image.label("io.unibloc.kernel", "/boot/vmlinuz").build().writeLayout(layout, "v1");
        return ImageReference.parse("oci:" + layout + ":v1");
    }

    /** {@code mib} files of 1 MiB pseudo-random bytes, stored uncompressed so the blob is as large as the data. */
    private static TestLayer randomLayer(String name, int mib, long seed) {
        Random random = new Random(seed);
        TestLayer.Builder layer = TestLayer.builder().dir(name);
        for (int i = 0; i < mib; i++) {
            byte[] data = new byte[(int) MIB];
            random.nextBytes(data);
            layer.file(name + "/f" + i + ".bin", data);
        }
        return layer.build(Compression.NONE);
    }
}
