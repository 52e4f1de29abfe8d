package io.unibloc.cli.bench;

import io.unibloc.blockstore.BlockStore;
import io.unibloc.cli.StoreCommand;
import io.unibloc.cli.StoreFactory;
import io.unibloc.cli.StoreSession;
import io.unibloc.types.FsType;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code unibloc bench}: unibloc against the naive way (untar all layers + {@code mkfs.ext4 -d} per pod)
 * and a full copy ({@code cp --reflink=never}) side by side, plus disk use, sharing, cold builds and
 * concurrent creates. Prints a markdown table; writes {@code bench.csv}, {@code bench.md} and
 * {@code bench.png} into {@code --out}. Needs root (loop devices).
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description =
                "Measure volume create+attach, disk use, sharing, cold builds and concurrent creates against the naive and full-copy ways.")
public final class BenchCommand extends StoreCommand {
    private static final double P50_TARGET_MS = 25;

    @Option(
            names = "--sizes",
            split = ",",
            paramLabel = "MIB",
            defaultValue = "16,128,512",
            description = "Image sizes in MiB (default: ${DEFAULT-VALUE}).")
    List<Long> sizes;

    @Option(
            names = "--iterations",
            defaultValue = "20",
            description = "unibloc create+attach samples per size (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(
            names = "--baseline-iterations",
            defaultValue = "3",
            description = "Naive and full-copy samples per size (default: ${DEFAULT-VALUE}).")
    int baselineIterations;

    @Option(
            names = "--volumes",
            defaultValue = "50",
            description = "Volumes for the disk-use figure (default: ${DEFAULT-VALUE}).")
    int volumes;

    @Option(
            names = "--concurrency",
            defaultValue = "32",
            description = "Concurrent creates of one uncached image (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--fs", defaultValue = "ext4", description = "Filesystem (default: ${DEFAULT-VALUE}).")
    String fs;

    @Option(
            names = "--out",
            defaultValue = "bench-out",
            paramLabel = "DIR",
            description = "Where CSV, markdown and PNG go (default: ${DEFAULT-VALUE}).")
    Path outDir;

    @Option(names = "--baselines-only", description = "Measure only the naive and full-copy ways (no engine needed).")
    boolean baselinesOnly;

    @Option(
            names = "--readers",
            split = ",",
            defaultValue = "1,10,20",
            description = "Guests reading one image at once, for the page-cache scenario (default: ${DEFAULT-VALUE}).")
    List<Integer> readers;

    @Option(
            names = "--page-cache-repeats",
            defaultValue = "3",
            description =
                    "Samples per reader count in the page-cache scenario; the median is kept (default: ${DEFAULT-VALUE}).")
    int pageCacheRepeats;

    @Option(
            names = "--page-cache-only",
            description = "Run only the page-cache scenario (and ephemeral create+attach).")
    boolean pageCacheOnly;

    @Option(
            names = "--network",
            description = "Run only the network scenario: HTTP to busybox httpd as a process, and in the test guest"
                    + " through tap and passt (needs the test guest: --guest-kernel, --guest-initrd).")
    boolean network;

    @Option(
            names = "--network-requests",
            defaultValue = "1000",
            description = "Small HTTP requests per path (default: ${DEFAULT-VALUE}).")
    int networkRequests;

    @Option(
            names = "--network-blob",
            defaultValue = "64",
            paramLabel = "MIB",
            description = "Size of the big transfer (default: ${DEFAULT-VALUE} MiB).")
    int networkBlobMiB;

    @Option(
            names = "--guest-kernel",
            paramLabel = "FILE",
            description = "The Linux test guest's kernel (default: the newest /boot/vmlinuz-*).")
    Path guestKernel;

    @Option(
            names = "--guest-initrd",
            paramLabel = "FILE",
            description = "The Linux test guest's initramfs (default: the newest"
                    + " /tmp/unibloc-test-guest/initramfs-*.cpio.gz, which testkit's SampleImage builds).")
    Path guestInitrd;

    @Mixin
    GuestOptions guests = new GuestOptions();

    @Override
    protected int call(StoreSession s) throws Exception {
        if (network) {
            return network(s);
        }
        if (guests.counts != null) {
            return guests(s);
        }
        Path work = Files.createDirectories(s.dir().resolve("bench-work"));
        Files.createDirectories(outDir);
        Results res = new Results();
        Baselines base = new Baselines(work);
        String machine = HostDescription.describe(s.dir());
        EngineBench engine = baselinesOnly ? null : new EngineBench(s.engine(), FsType.parse(fs));
        try {
            if (pageCacheOnly) {
                long mib = sizes.get(Math.min(1, sizes.size() - 1));
                BenchImage img =
                        BenchImage.write(work.resolve("images/img-" + mib), "v1", BenchImage.plan(mib << 20, 4, mib));
                scenario(res, PageCacheBench.SCENARIO, mib, () -> pageCache(res, s, img, mib, work));
                return report(res, machine);
            }
            List<BenchImage> images = new ArrayList<>();
            for (long mib : sizes) {
                BenchImage img =
                        BenchImage.write(work.resolve("images/img-" + mib), "v1", BenchImage.plan(mib << 20, 4, mib));
                images.add(img);
                scenario(res, "create+attach", mib, () -> latencies(res, base, engine, img, mib, work));
            }
            if (engine != null) {
                BenchImage mid = images.get(Math.min(1, images.size() - 1));
                long midMiB = sizes.get(Math.min(1, sizes.size() - 1));
                ScenarioFigures figures = new ScenarioFigures(res, base, engine, work, s, FsType.parse(fs));
                scenario(
                        res,
                        "disk use, " + volumes + " volumes of one image",
                        midMiB,
                        () -> figures.diskUse(mid, midMiB, volumes));
                scenario(res, "second image, +5 MiB top layer", midMiB, () -> figures.sharedTop(mid, midMiB));
                scenario(res, "cold build", midMiB, () -> figures.coldBuild(mid, midMiB));
                scenario(
                        res,
                        concurrency + " concurrent creates, uncached image",
                        16,
                        () -> figures.concurrent(concurrency));
                scenario(res, PageCacheBench.SCENARIO, midMiB, () -> pageCache(res, s, mid, midMiB, work));
            }
        } finally {
            if (engine != null) {
                engine.cleanUp();
            }
        }
        return report(res, machine);
    }

    private int report(Results res, String machine) throws IOException {
        StringWriter md = new StringWriter();
        PrintWriter mdw = new PrintWriter(md);
        mdw.println("Machine: " + machine);
        mdw.println();
        res.printMarkdown(mdw);
        out().println();
        out().print(md);
        out().flush();
        Files.writeString(outDir.resolve("bench.md"), md.toString());
        res.writeCsv(outDir.resolve("bench.csv"));
        if (!pageCacheOnly) {
            chart(res);
        }
        out().println("wrote " + outDir.resolve("bench.csv") + ", bench.md, bench.png, bench-pagecache.png");
        return 0;
    }

    /** The network scenario alone: three paths to one HTTP server, figures, chart. */
    private int network(StoreSession s) throws Exception {
        Files.createDirectories(outDir);
        Path kernel = guestKernel();
        Path initrd = guestInitrd();
        NetworkBench bench =
                new NetworkBench(s.dir().resolve("bench-network"), kernel, initrd, networkRequests, networkBlobMiB, 3);
        List<NetworkBench.PathResult> paths = bench.run();
        Results res = new Results();
        NetworkFigures.report(res, paths, networkBlobMiB);
        printAndWrite(res, s, "bench-network");
        NetworkFigures.chart(outDir.resolve("bench-network.png"), paths, networkBlobMiB);
        out().println("wrote " + outDir.resolve("bench-network.csv") + ", bench-network.md, bench-network.png");
        return 0;
    }

    /**
     * The booted-guest page-cache scenario alone, host readers of the same image beside it: figures, chart. A
     * failure is recorded as a FAILED row (after every guest, volume and overlay of it is gone).
     */
    private int guests(StoreSession s) throws Exception {
        Files.createDirectories(outDir);
        Results res = new Results();
        GuestScenario scenario =
                new GuestScenario(s, FsType.parse(fs), guests, guestKernel(), guestInitrd(), pageCacheRepeats);
        scenario(
                res,
                GuestPageCacheBench.SCENARIO,
                guests.dataMiB,
                () -> scenario.run(res, outDir.resolve("bench-pagecache-guests.png")));
        printAndWrite(res, s, "bench-pagecache");
        out().println("wrote " + outDir.resolve("bench-pagecache.csv")
                + ", bench-pagecache.md, bench-pagecache-guests.png");
        return res.rows().stream().anyMatch(r -> r.variant().startsWith("FAILED")) ? 1 : 0;
    }

    /** Prints the machine and the table, and writes them as NAME.md and the rows as NAME.csv into --out. */
    private void printAndWrite(Results res, StoreSession s, String name) throws IOException {
        StringWriter md = new StringWriter();
        PrintWriter mdw = new PrintWriter(md);
        mdw.println("Machine: " + HostDescription.describe(s.dir()));
        mdw.println();
        res.printMarkdown(mdw);
        out().println();
        out().print(md);
        out().flush();
        Files.writeString(outDir.resolve(name + ".md"), md.toString());
        res.writeCsv(outDir.resolve(name + ".csv"));
    }

    private Path guestKernel() throws IOException {
        return guestKernel != null ? guestKernel : newest(Path.of("/boot"), "vmlinuz-", "");
    }

    private Path guestInitrd() throws IOException {
        return guestInitrd != null
                ? guestInitrd
                : newest(Path.of(System.getProperty("java.io.tmpdir"), "unibloc-test-guest"), "initramfs-", ".cpio.gz");
    }

    /** The newest file in {@code dir} named PREFIX...SUFFIX; fails naming what to pass instead. */
    private static Path newest(Path dir, String prefix, String suffix) throws IOException {
        if (Files.isDirectory(dir)) {
            try (var files = Files.list(dir)) {
                var found = files.filter(f -> f.getFileName().toString().startsWith(prefix)
                                && f.getFileName().toString().endsWith(suffix))
                        .max(java.util.Comparator.comparingLong(f -> f.toFile().lastModified()));
                if (found.isPresent()) {
                    return found.get();
                }
            }
        }
        throw new IOException("no " + dir.resolve(prefix + "*" + suffix) + ": pass --guest-kernel/--guest-initrd"
                + " (the test guest's initramfs is built by testkit's SampleImage, as scripts/demo.sh runs it)");
    }

    /** Page cache and disk reads of N guests of one image, persistent against ephemeral; ephemeral create+attach. */
    private void pageCache(Results res, StoreSession s, BenchImage img, long mib, Path work) throws IOException {
        PageCacheBench bench = new PageCacheBench(s.engine(), FsType.parse(fs), s.dir(), work);
        if (pageCacheOnly) { // side by side with persistent volumes under the same machine load
            EngineBench persistent = new EngineBench(s.engine(), FsType.parse(fs));
            persistent.prepare(img);
            long[] clones = persistent.createAttach(img, iterations);
            double p50 = Results.pct(clones, 50);
            res.latency(
                    "create+attach",
                    "unibloc (warm)",
                    mib,
                    clones,
                    "p50 <= 25 ms",
                    p50 <= P50_TARGET_MS ? "yes" : "no");
        }
        long[] warm = bench.ephemeralCreateAttach(img, iterations);
        double p50 = Results.pct(warm, 50);
        res.latency(
                "create+attach",
                "unibloc ephemeral (warm)",
                mib,
                warm,
                "p50 <= 25 ms",
                p50 <= P50_TARGET_MS ? "yes" : "no");
        List<PageCacheBench.Sample> samples = bench.run(img, readers, pageCacheRepeats);
        PageCacheBench.report(res, samples, mib);
        PageCacheChart.write(
                outDir.resolve("bench-pagecache.png"),
                samples,
                readers,
                List.of(PageCacheBench.PERSISTENT, PageCacheBench.EPHEMERAL, PageCacheBench.OVERLAY),
                mib);
    }

    /** A scenario that fails is recorded as such (with the reason) and the run goes on. */
    private void scenario(Results res, String name, long mib, ThrowingRunnable body) {
        try {
            body.run();
        } catch (Exception e) {
            String why = String.valueOf(e.getMessage()).replace('|', '/').replace('\n', ' ');
            res.figure(
                    name,
                    "FAILED: " + (why.length() > 300 ? why.substring(0, 300) + "..." : why),
                    mib,
                    0,
                    Double.NaN,
                    "",
                    "",
                    "no");
            System.err.println("bench: scenario '" + name + "' failed: " + e.getMessage());
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    private void latencies(Results res, Baselines base, EngineBench engine, BenchImage img, long mib, Path work) {
        Path built = work.resolve("ref-" + mib + ".img");
        base.build(img, built);
        long[] naive = new long[baselineIterations];
        for (int i = 0; i < naive.length; i++) {
            naive[i] = base.naiveCreateAttach(img);
        }
        long[] copy = new long[baselineIterations];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = base.fullCopyCreateAttach(built);
        }
        try {
            Files.deleteIfExists(built);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        res.latency("create+attach", "naive (untar + mkfs.ext4 -d)", mib, naive, "", "");
        res.latency("create+attach", "full copy (cp --reflink=never)", mib, copy, "", "");
        if (engine == null) {
            return;
        }
        engine.prepare(img); // warm: the chain images exist
        long[] ub = engine.createAttach(img, iterations);
        double p50 = Results.pct(ub, 50);
        double speedup = Results.pct(naive, 50) / p50;
        res.latency("create+attach", "unibloc (warm)", mib, ub, "p50 <= 25 ms", p50 <= P50_TARGET_MS ? "yes" : "no");
        res.figure(
                "speed-up vs naive",
                "p50 naive / p50 unibloc",
                mib,
                ub.length,
                speedup,
                "x",
                mib >= 512 ? ">= 100x" : "",
                mib >= 512 ? (speedup >= 100 ? "yes" : "no") : "");
        res.figure(
                "speed-up vs full copy",
                "p50 copy / p50 unibloc",
                mib,
                ub.length,
                Results.pct(copy, 50) / p50,
                "x",
                "",
                "");
    }

    private void chart(Results res) {
        String[] variants = {"unibloc (warm)", "naive (untar + mkfs.ext4 -d)", "full copy (cp --reflink=never)"};
        double[][] v = new double[variants.length][sizes.size()];
        for (int i = 0; i < variants.length; i++) {
            for (int j = 0; j < sizes.size(); j++) {
                Results.Row r = res.find("create+attach", variants[i], sizes.get(j));
                v[i][j] = r == null ? Double.NaN : r.p50ms();
            }
        }
        BenchChart.write(
                outDir.resolve("bench.png"),
                String.format(Locale.ROOT, "Volume create + attach, p50 (log scale)"),
                sizes,
                List.of(variants),
                v);
    }

    /** Opens a second, empty engine for cold-build figures. */
    static BlockStore freshEngine(StoreSession s, Path dir) {
        return StoreFactory.openEngineAt(dir, s.config());
    }
}
