package io.unibloc.cli.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.unibloc.blockstore.BlockStore;
import io.unibloc.blockstore.content.ContentStore;
import io.unibloc.blockstore.image.ImageFetcher;
import io.unibloc.cli.StoreSession;
import io.unibloc.registry.auth.RegistryCredentials;
import io.unibloc.types.FsType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The figures besides latency: disk use of many volumes, a shared base, cold builds, concurrent creates. */
final class ScenarioFigures {
    private static final long MIB = 1 << 20;

    private final Results res;
    private final Baselines base;
    private final EngineBench engine;
    private final Path work;
    private final StoreSession session;
    private final FsType fs;

    ScenarioFigures(Results res, Baselines base, EngineBench engine, Path work, StoreSession session, FsType fs) {
        this.res = res;
        this.base = base;
        this.engine = engine;
        this.work = work;
        this.session = session;
        this.fs = fs;
    }

    /** Physical bytes of the image plus {@code n} fresh volumes, over the image alone. */
    void diskUse(BenchImage img, long mib, int n) throws IOException {
        BlockStore.PreparedImage prepared = engine.prepare(img);
        long used0 = fsUsed();
        long phys0 = engine.physical();
        List<String> ids = engine.createMany(img, n);
        long extra = engine.physical() - phys0;
        long extraFs = fsUsed() - used0;
        double ratio = (double) (prepared.imageBytes() + extra) / prepared.imageBytes();
        res.figure(
                "disk use, " + n + " volumes of one image",
                "(image + volumes) / image, engine usage()",
                mib,
                n,
                ratio,
                "x",
                "<= 1.05x",
                ratio <= 1.05 ? "yes" : "no");
        res.figure(
                "disk use, " + n + " volumes of one image",
                "extra bytes, store filesystems (statvfs)",
                mib,
                n,
                extraFs / (double) MIB,
                "MiB",
                "",
                "");
        ids.forEach(engine::remove);
    }

    /** A second image = the first one's layers + a 5 MiB top layer: new physical bytes over the unique bytes. */
    void sharedTop(BenchImage first, long mib) throws IOException {
        List<BenchImage.LayerPlan> plan = new ArrayList<>(BenchImage.plan(mib << 20, 4, mib));
        plan.add(new BenchImage.LayerPlan(5 * MIB, 777_000 + mib));
        BenchImage second = BenchImage.write(work.resolve("images/img-" + mib + "-plus5"), "v1", plan);
        engine.prepare(first);
        BlockStore.StoreUsage u0 = engine.usage();
        long used0 = fsUsed();
        engine.prepare(second);
        BlockStore.StoreUsage u1 = engine.usage();
        long chainDelta = u1.physicalBytes() - u0.physicalBytes();
        long unique = 5 * MIB;
        double ratio = (double) chainDelta / unique;
        res.figure(
                "second image, +5 MiB top layer",
                "new chain bytes / unique bytes",
                mib,
                1,
                ratio,
                "x",
                "<= 1.1x",
                ratio <= 1.1 ? "yes" : "no");
        res.figure(
                "second image, +5 MiB top layer",
                "new bytes incl. blob, store filesystems (statvfs)",
                mib,
                1,
                (fsUsed() - used0) / (double) MIB,
                "MiB",
                "",
                "");
    }

    /** Pull from a local layout + build of every chain on an empty store, against untar + mkfs of the same layers. */
    void coldBuild(BenchImage img, long mib) throws IOException {
        Path target = work.resolve("cold-baseline.img");
        long baseline;
        try {
            baseline = base.build(img, target);
        } finally {
            Files.deleteIfExists(target);
        }
        Path dir = work.resolve("cold-store-" + System.nanoTime());
        long pull;
        long build;
        try {
            long t0 = System.nanoTime();
            try (ImageFetcher fetcher = new ImageFetcher(
                    new ContentStore(dir.resolve("content")), session.config().registry(), new SimpleMeterRegistry())) {
                fetcher.fetch(
                        img.reference(),
                        session.config().platform(),
                        RegistryCredentials.NONE,
                        BlockStore.Progress.NONE);
            }
            pull = System.nanoTime() - t0;
            try (BlockStore fresh = BenchCommand.freshEngine(session, dir)) {
                long t1 = System.nanoTime();
                fresh.prepare(img.reference(), fs, RegistryCredentials.NONE, BlockStore.Progress.NONE);
                build = System.nanoTime() - t1;
            }
        } finally {
            try {
                Baselines.deleteTree(dir);
            } catch (RuntimeException e) {
                System.err.println("bench: cannot delete " + dir + " (still mounted?): " + e.getMessage());
            }
        }
        res.latency("cold build", "unibloc: build all chains (blobs stored)", mib, new long[] {build}, "", "");
        res.latency("cold build", "unibloc: pull from oci layout (copy + sha256)", mib, new long[] {pull}, "", "");
        res.latency("cold build", "tar -x + mkfs.ext4 -d", mib, new long[] {baseline}, "", "");
        double speed = (double) baseline / build;
        res.figure(
                "cold build",
                "speed of the chain build relative to tar -x + mkfs",
                mib,
                1,
                speed,
                "x",
                ">= 0.8x",
                speed >= 0.8 ? "yes" : "no");
        res.figure(
                "cold build",
                "speed of pull + build relative to tar -x + mkfs",
                mib,
                1,
                (double) baseline / (pull + build),
                "x",
                "",
                "");
    }

    /** {@code n} concurrent creates of an image nobody pulled yet: one pull per blob, one build per chain, all succeed. */
    void concurrent(int n) throws InterruptedException {
        BenchImage fresh = BenchImage.write(
                work.resolve("images/concurrent-" + System.nanoTime()),
                "v1",
                BenchImage.plan(16 * MIB, 3, System.nanoTime() % 1_000_000));
        EngineBench.Concurrent c = engine.concurrentCreates(fresh, n);
        res.figure(
                n + " concurrent creates, uncached image",
                "succeeded",
                16,
                n,
                c.succeeded(),
                "of " + n,
                "all",
                c.failed() == 0 ? "yes" : "no (" + c.firstError() + ")");
        res.figure(
                n + " concurrent creates, uncached image",
                "max pulls of one blob (" + c.blobsPulled() + " blobs)",
                16,
                n,
                c.maxPullsPerBlob(),
                "",
                "1",
                c.maxPullsPerBlob() == 1 ? "yes" : "no");
        res.figure(
                n + " concurrent creates, uncached image",
                "max builds of one chain step (" + c.buildSteps() + " steps)",
                16,
                n,
                c.maxBuildsPerLayerStep(),
                "",
                "1",
                c.maxBuildsPerLayerStep() == 1 ? "yes" : "no");
        res.figure(n + " concurrent creates, uncached image", "wall time", 16, n, c.millis(), "ms", "", "");
        Baselines.deleteTree(fresh.reference().layout());
    }

    /**
     * Used bytes of the filesystems the store lives on: those mounted below the store directory (the
     * xfs-loop backend's XFS), else the one holding the directory.
     */
    private long fsUsed() throws IOException {
        String root = session.dir().toString();
        List<Path> mounts = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
            String[] f = line.split(" ");
            String mp = f.length > 1 ? f[1].replace("\\040", " ") : "";
            if (mp.startsWith(root + "/")) {
                mounts.add(Path.of(mp));
            }
        }
        if (mounts.isEmpty()) {
            mounts.add(session.dir());
        }
        long used = 0;
        for (Path m : mounts) {
            var store = Files.getFileStore(m);
            used += store.getTotalSpace() - store.getUnallocatedSpace();
        }
        return used;
    }
}
