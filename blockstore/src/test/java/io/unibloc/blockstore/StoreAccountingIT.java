package io.unibloc.blockstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.unibloc.blockstore.BlockStore.VolumeSpec;
import io.unibloc.blockstore.cache.PageCacheScan;
import io.unibloc.blockstore.cache.ResidentPages;
import io.unibloc.blockstore.fs.Exec;
import io.unibloc.blockstore.fs.Mounts;
import io.unibloc.blockstore.host.LoopDevices;
import io.unibloc.registry.auth.RegistryCredentials;
import io.unibloc.registry.ref.ImageReference;
import io.unibloc.testkit.image.Compression;
import io.unibloc.testkit.image.TestImage;
import io.unibloc.testkit.image.TestLayer;
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
import java.util.Random;
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
        evict(chain);
        BlockStore.PageCacheUsage before = store.usage().pageCache();
        assertThat(before.chainBytes())
                .as("precondition: the chain image was evicted (%d MiB of data)", DATA_MIB)
                .isLessThan(DATA_MIB * MIB / 2);

        readAll(devA);
        readAll(devB);
        BlockStore.StoreUsage after = store.usage();

        assertThat(after.chains()).as("one layer, one chain").isEqualTo(1);
        long independent = fincore(chain);
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
                .isEqualTo(after.pageCache().chainBytes() + after.pageCache().backendFileBytes());
    }

    @Test
    void aPersistentVolumesReadsFillItsOwnClonesCache() throws Exception {
        BlockStore.Volume p = create("pers-a", 0, WriteMode.PERSISTENT);
        String device = store.attach("pers-a", BlockStore.AttachOptions.DEFAULT).device();
        Path clone = dir.resolve("store/mnt/volumes/" + p.id() + "/disk.img").toAbsolutePath();
        assertThat(clone).as("where the clone lives").isRegularFile();
        evict(clone);
        long before = store.usage().pageCache().volumeBytes();

        readAll(device);
        BlockStore.PageCacheUsage after = store.usage().pageCache();

        assertThat(after.volumeBytes()).isGreaterThanOrEqualTo(before + DATA_MIB * MIB);
        assertThat(after.volumeBytes()).isBetween(fincore(clone) - MIB, fincore(clone) + MIB);
        assertThat(gauge("unibloc.store.page.cache", "kind", "volumes")).isEqualTo((double) after.volumeBytes());
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

    /** Written pages become clean, then the kernel drops the file's cache ({@code posix_fadvise DONTNEED}). */
    private static void evict(Path file) {
        run("sync", file.toString());
        run("dd", "if=" + file, "iflag=nocache", "count=0", "status=none");
    }

    private static void readAll(String device) {
        run("dd", "if=" + device, "of=/dev/null", "bs=1M", "status=none");
    }

    private static long fincore(Path file) {
        return Long.parseLong(run("fincore", "--bytes", "--noheadings", "--raw", "--output", "RES", file.toString())
                .strip());
    }

    private static String run(String... command) {
        Exec.Result r = Exec.run(List.of(command));
        assertThat(r.ok()).as("%s: %s", String.join(" ", command), r.output()).isTrue();
        return r.stdout();
    }

    private ImageReference randomImage() {
        Random random = new Random(19);
        TestLayer.Builder layer = TestLayer.builder().dir("data");
        for (int i = 0; i < DATA_MIB; i++) {
            byte[] data = new byte[(int) MIB];
            random.nextBytes(data);
            layer.file("data/f" + i + ".bin", data);
        }
        Path layout = dir.resolve("layout");
        TestImage.builder()
                .layer(layer.build(Compression.NONE))
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
