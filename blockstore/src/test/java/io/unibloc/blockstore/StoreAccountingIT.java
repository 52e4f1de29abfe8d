package io.unibloc.blockstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.unibloc.blockstore.BlockStore.VolumeSpec;
import io.unibloc.blockstore.cache.MincoreAccess;
import io.unibloc.blockstore.cache.PageCacheScan;
import io.unibloc.blockstore.cache.ResidentPages;
import io.unibloc.blockstore.fs.Exec;
import io.unibloc.blockstore.fs.Mounts;
import io.unibloc.blockstore.host.LoopDevices;
import io.unibloc.registry.auth.RegistryCredentials;
import io.unibloc.registry.ref.ImageReference;
import io.unibloc.testkit.image.TestImage;
import io.unibloc.testkit.image.TestLayer;
import io.unibloc.testkit.pagecache.PageCacheFiles;
import io.unibloc.types.FsType;
import io.unibloc.types.WriteMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link BlockStore#listVolumes()} and {@link BlockStore#usage()} on a real xfs-loop store with volumes of both
 * modes, and the page cache the store's files hold, read back after reading real loop devices: the figures are
 * checked against util-linux {@code fincore} (an independent count) and against the file sizes an ephemeral link
 * counted twice would exceed.
 */
class StoreAccountingIT {
    private static final long MIB = 1L << 20;
    private static final int DATA_MIB = 24;

    private Path dir;
    private MeterRegistry meters;
    private DefaultBlockStore store;
    private ImageReference image;

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createTempDirectory("accounting-store-");
        meters = new SimpleMeterRegistry();
        store = DefaultBlockStore.open(StoreConfig.defaults(dir.resolve("store"))
                .withXfsLoopBytes(2L << 30)
                .withMeters(meters));
        image = randomImage();
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (store != null) {
                for (BlockStore.Volume v : store.listVolumes()) {
                    store.detach(v.id());
                }
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

    @Test
    void volumesOfBothModesAreListedWithTheirModeAndSizeAndCounted() throws Exception {
        List<String> persistent = new ArrayList<>();
        List<String> ephemeral = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            persistent.add(create("pers-" + i, 64 * MIB, WriteMode.PERSISTENT).id());
            ephemeral.add(create("eph-" + i, 96 * MIB, WriteMode.EPHEMERAL).id());
        }

        Map<String, BlockStore.Volume> listed =
                store.listVolumes().stream().collect(Collectors.toMap(BlockStore.Volume::id, Function.identity()));
        assertThat(listed.keySet()).containsExactlyInAnyOrderElementsOf(concat(persistent, ephemeral));
        assertThat(listed.get("pers-3").writeMode()).isEqualTo(WriteMode.PERSISTENT);
        assertThat(listed.get("pers-3").sizeBytes()).isEqualTo(64 * MIB);
        assertThat(listed.get("eph-3").writeMode()).isEqualTo(WriteMode.EPHEMERAL);
        assertThat(listed.get("eph-3").sizeBytes()).as("the guest's overlay").isEqualTo(96 * MIB);

        long t0 = System.nanoTime();
        BlockStore.StoreUsage usage = store.usage();
        long micros = (System.nanoTime() - t0) / 1000;
        assertThat(usage.volumes()).isEqualTo(20);
        assertThat(usage.ephemeralVolumes()).isEqualTo(10);
        assertThat(usage.persistentVolumes()).isEqualTo(10);
        assertThat(usage.ephemeralBytes()).isEqualTo(10 * 96 * MIB);
        assertThat(gauge("unibloc.store.volumes", "mode", "ephemeral")).isEqualTo(10);
        assertThat(gauge("unibloc.store.volumes", "mode", "persistent")).isEqualTo(10);
        long[] again = new long[5];
        long[] scanOnly = new long[5];
        PageCacheScan scan = new PageCacheScan(new ResidentPages());
        for (int i = 0; i < again.length; i++) {
            long t = System.nanoTime();
            store.usage();
            again[i] = (System.nanoTime() - t) / 1000;
            t = System.nanoTime();
            scan.scan(Map.of("all", storeFiles()));
            scanOnly[i] = (System.nanoTime() - t) / 1000;
        }
        System.out.printf(
                "usage() with %d chain(s), 10 persistent + 10 ephemeral volumes (%d files): first %d us, then %s us;"
                        + " the page-cache scan alone %s us%n",
                usage.chains(), storeFiles().size(), micros, Arrays.toString(again), Arrays.toString(scanOnly));
    }

    /** Every file the page-cache scan looks at, listed from the directory tree rather than from the store. */
    private List<Path> storeFiles() throws IOException {
        try (Stream<Path> walk = Files.walk(dir.resolve("store"))) {
            return walk.filter(p -> p.toString().endsWith(".img") && Files.isRegularFile(p))
                    .toList();
        }
    }

    @Test
    void readingAChainThroughItsDevicesFillsItsCacheOnceHoweverManyLinksReadIt() throws Exception {
        create("eph-a", 0, WriteMode.EPHEMERAL);
        BlockStore.Volume b = create("eph-b", 0, WriteMode.EPHEMERAL);
        String devA = store.attach("eph-a", BlockStore.AttachOptions.DEFAULT).device();
        String devB = store.attach("eph-b", BlockStore.AttachOptions.DEFAULT).device();
        Path chain = dir.resolve("store/mnt/chains/" + b.chainId() + ".img").toAbsolutePath();
        long chainSize = Files.size(chain);
        PageCacheFiles.evict(chain);
        BlockStore.PageCacheUsage before = store.usage().pageCache();
        assertThat(before.chainBytes())
                .as("precondition: the chain image was evicted (%d MiB of data)", DATA_MIB)
                .isLessThan(DATA_MIB * MIB / 2);

        readAll(devA);
        readAll(devB);
        BlockStore.StoreUsage after = store.usage();

        assertThat(after.chains()).as("one layer, one chain").isEqualTo(1);
        long independent = PageCacheFiles.fincore(chain);
        assertThat(independent)
                .as("fincore: the device read filled the chain image's cache")
                .isGreaterThan(chainSize / 2);
        assertThat(after.pageCache().chainBytes())
                .as("chains, as fincore counts the chain image alone")
                .isBetween(independent - MIB, independent + MIB)
                .isGreaterThanOrEqualTo(before.chainBytes() + DATA_MIB * MIB)
                .as("two links of one inode count once: never more than the chain image itself")
                .isLessThanOrEqualTo(chainSize);
        assertThat(after.pageCache().volumeBytes()).as("no persistent volume").isZero();
        assertThat(gauge("unibloc.store.page.cache", "kind", "chains"))
                .isEqualTo((double) after.pageCache().chainBytes());
        assertThat(after.pageCache().totalBytes())
                .isEqualTo(after.pageCache().chainBytes()
                        + after.pageCache().backendFileBytes()
                        + after.pageCache().blobBytes());
    }

    @Test
    void aPersistentVolumesReadsFillItsOwnClonesCache() throws Exception {
        BlockStore.Volume p = create("pers-a", 0, WriteMode.PERSISTENT);
        String device = store.attach("pers-a", BlockStore.AttachOptions.DEFAULT).device();
        Path clone = dir.resolve("store/mnt/volumes/" + p.id() + "/disk.img").toAbsolutePath();
        assertThat(clone).as("where the clone lives").isRegularFile();
        PageCacheFiles.evict(clone);
        long before = store.usage().pageCache().volumeBytes();

        readAll(device);
        BlockStore.PageCacheUsage after = store.usage().pageCache();

        assertThat(after.volumeBytes()).isGreaterThanOrEqualTo(before + DATA_MIB * MIB);
        assertThat(after.volumeBytes())
                .isBetween(PageCacheFiles.fincore(clone) - MIB, PageCacheFiles.fincore(clone) + MIB);
        assertThat(gauge("unibloc.store.page.cache", "kind", "volumes")).isEqualTo((double) after.volumeBytes());
    }

    @Test
    void theBlobsAPullWroteAreCountedAsFincoreCountsThem() throws Exception {
        create("eph-blobs", 0, WriteMode.EPHEMERAL);
        List<Path> blobs;
        try (Stream<Path> walk = Files.list(dir.resolve("store/content/blobs/sha256"))) {
            blobs = walk.filter(p -> !p.getFileName().toString().startsWith("."))
                    .toList();
        }
        assertThat(blobs).as("the pull stored its layer, config and manifest").hasSizeGreaterThanOrEqualTo(3);
        long independent = 0;
        for (Path blob : blobs) {
            independent += PageCacheFiles.fincore(blob);
        }

        BlockStore.PageCacheUsage cache = store.usage().pageCache();

        assertThat(independent).as("fincore: the layer just written is cached").isGreaterThanOrEqualTo(DATA_MIB * MIB);
        assertThat(cache.blobBytes()).isBetween(independent - MIB, independent + MIB);
        assertThat(gauge("unibloc.store.page.cache", "kind", "blobs")).isEqualTo((double) cache.blobBytes());
    }

    @Test
    void aCallerTheKernelWouldNotAnswerTrulyGetsAnUnknownFigureAndNaNGauges() throws Exception {
        create("eph-x", 0, WriteMode.EPHEMERAL);
        store.usage();
        assertThat(gauge("unibloc.store.page.cache", "kind", "chains"))
                .as("precondition: counted as root")
                .isNotNaN();
        store.close();
        meters = new SimpleMeterRegistry(); // a registry keeps the first gauge of a name: read the new store's
        // uid 4242 neither owns the root-owned store files nor may write them (0644): mincore would say "all resident"
        store = DefaultBlockStore.open(
                StoreConfig.defaults(dir.resolve("store"))
                        .withXfsLoopBytes(2L << 30)
                        .withMeters(meters),
                new MincoreAccess(4242, file -> false));

        BlockStore.StoreUsage usage = store.usage();

        assertThat(usage.pageCache().known()).isFalse();
        assertThat(usage.pageCache().unknownCause())
                .startsWith("needs write access to the store files: ")
                .contains("owned by uid 0", "not writable by uid 4242");
        assertThat(usage.pageCache().totalBytes()).isZero();
        assertThat(usage.volumes()).as("the rest of the report stands").isEqualTo(1);
        for (String kind : List.of("chains", "volumes", "backend", "blobs")) {
            assertThat(gauge("unibloc.store.page.cache", "kind", kind)).as(kind).isNaN();
        }
    }

    private BlockStore.Volume create(String id, long size, WriteMode mode) {
        return store.createVolume(
                new VolumeSpec(id, image, FsType.EXT4, size, 0, false, mode),
                RegistryCredentials.NONE,
                BlockStore.Progress.NONE);
    }

    private double gauge(String name, String tag, String value) {
        return meters.get(name).tag(tag, value).gauge().value();
    }

    private static void readAll(String device) {
        run("dd", "if=" + device, "of=/dev/null", "bs=1M", "status=none");
    }

    private static String run(String... command) {
        Exec.Result r = Exec.run(List.of(command));
        assertThat(r.ok()).as("%s: %s", String.join(" ", command), r.output()).isTrue();
        return r.stdout();
    }

    private ImageReference randomImage() {
        Path layout = dir.resolve("layout");
        TestImage.builder()
                .layer(TestLayer.randomData(DATA_MIB, 19))
                .label("io.unibloc.kernel", "/boot/vmlinuz")
                .build()
                .writeLayout(layout, "v1");
        return ImageReference.parse("oci:" + layout + ":v1");
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
