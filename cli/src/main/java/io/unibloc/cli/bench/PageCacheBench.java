package io.unibloc.cli.bench;

import io.unibloc.blockstore.BlockStore;
import io.unibloc.registry.auth.RegistryCredentials;
import io.unibloc.types.FsType;
import io.unibloc.types.WriteMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.ToDoubleFunction;

/**
 * Node density: N volumes of one image attached at once, each read whole the way a guest under QEMU with
 * {@code cache=none} reads its disk (O_DIRECT on the device), after dropping the host's caches. Reports the
 * host's page-cache growth, the bytes the store read from its disk and the store files' resident bytes,
 * for persistent volumes (a reflink clone each) against ephemeral ones (one chain inode for all), and for
 * ephemeral volumes read through a qcow2 overlay by QEMU's own block layer ({@code qemu-io}).
 */
final class PageCacheBench {
    private static final double MIB = 1 << 20;
    static final String SCENARIO = "page cache, N readers of one image";
    static final String PERSISTENT = "persistent (clone per volume)";
    static final String EPHEMERAL = "ephemeral (shared chain inode)";
    static final String OVERLAY = "ephemeral + qcow2 overlay (qemu-io, cache=none)";

    /** One measurement: N readers in one mode. */
    record Sample(
            String mode,
            int readers,
            double cacheMiB,
            double storeReadMiB,
            double hostDiskReadMiB,
            double residentMiB,
            long millis,
            double xfsImgMiB) {}

    private final BlockStore store;
    private final FsType fs;
    private final Path storeRoot;
    private final Path work;
    private final String prefix = "dens-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    private int seq;

    PageCacheBench(BlockStore store, FsType fs, Path storeRoot, Path work) {
        this.store = store;
        this.fs = fs;
        this.storeRoot = storeRoot;
        this.work = work;
    }

    /**
     * Measures every mode for every reader count, {@code repeats} times each, and keeps the median of each
     * figure (other processes' page cache moves the meminfo figure); volumes are removed after each sample.
     */
    List<Sample> run(BenchImage img, List<Integer> readers, int repeats) throws IOException {
        store.prepare(img.reference(), fs, RegistryCredentials.NONE, BlockStore.Progress.NONE);
        List<Sample> samples = new ArrayList<>();
        for (String mode : List.of(PERSISTENT, EPHEMERAL, OVERLAY)) {
            for (int n : readers) {
                List<Sample> runs = new ArrayList<>();
                for (int r = 0; r < Math.max(1, repeats); r++) {
                    runs.add(sample(img, mode, n));
                }
                samples.add(new Sample(
                        mode,
                        n,
                        median(runs, Sample::cacheMiB),
                        median(runs, Sample::storeReadMiB),
                        median(runs, Sample::hostDiskReadMiB),
                        median(runs, Sample::residentMiB),
                        (long) median(runs, x -> (double) x.millis()),
                        median(runs, Sample::xfsImgMiB)));
            }
        }
        return samples;
    }

    private static double median(List<Sample> runs, ToDoubleFunction<Sample> figure) {
        double[] values = runs.stream().mapToDouble(figure).sorted().toArray();
        return values[values.length / 2];
    }

    private Sample sample(BenchImage img, String mode, int n) throws IOException {
        WriteMode writeMode = mode.equals(PERSISTENT) ? WriteMode.PERSISTENT : WriteMode.EPHEMERAL;
        Map<String, String> devices = new LinkedHashMap<>();
        List<Path> overlays = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                String id = prefix + (++seq);
                devices.put(id, createAttach(img, id, writeMode));
            }
            long deviceBytes = deviceBytes(devices.values().iterator().next());
            if (mode.equals(OVERLAY)) {
                for (String device : devices.values()) {
                    Path overlay = work.resolve(prefix + "overlay-" + overlays.size() + ".qcow2");
                    Proc.run("qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw", "-b", device, overlay.toString());
                    overlays.add(overlay);
                }
            }
            Path dataDir = StoreFiles.dataRoot(storeRoot);
            String storeDevice = HostIo.deviceUnder(dataDir);
            String hostDisk = HostIo.deviceUnder(storeRoot);
            HostIo.dropCaches();
            long cache0 = HostIo.pageCacheBytes();
            long store0 = HostIo.readBytes(storeDevice);
            long host0 = HostIo.readBytes(hostDisk);
            long t0 = System.nanoTime();
            if (mode.equals(OVERLAY)) {
                for (Path overlay : overlays) {
                    Proc.run("qemu-io", "-f", "qcow2", "-t", "none", "-c", "read 0 " + deviceBytes, overlay.toString());
                }
            } else {
                for (String device : devices.values()) {
                    Proc.run("dd", "if=" + device, "of=/dev/null", "bs=1M", "iflag=direct", "status=none");
                }
            }
            long millis = (System.nanoTime() - t0) / 1_000_000;
            long cache = HostIo.pageCacheBytes() - cache0;
            long storeRead = HostIo.readBytes(storeDevice) - store0;
            long hostRead = HostIo.readBytes(hostDisk) - host0;
            StoreFiles.Resident resident = StoreFiles.resident(storeRoot);
            return new Sample(
                    mode,
                    n,
                    cache / MIB,
                    storeRead / MIB,
                    hostRead / MIB,
                    resident.total() / MIB,
                    millis,
                    resident.xfsImg() / MIB);
        } finally {
            for (Path overlay : overlays) {
                Files.deleteIfExists(overlay);
            }
            for (String id : devices.keySet()) {
                remove(id, writeMode);
            }
        }
    }

    /** Warm create + attach + first 4 KiB read of ephemeral volumes, {@code n} times (removal untimed). */
    long[] ephemeralCreateAttach(BenchImage img, int n) {
        store.prepare(img.reference(), fs, RegistryCredentials.NONE, BlockStore.Progress.NONE);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            String id = prefix + (++seq);
            long t0 = System.nanoTime();
            String device = createAttach(img, id, WriteMode.EPHEMERAL);
            Proc.run("dd", "if=" + device, "of=/dev/null", "bs=4096", "count=1", "status=none");
            out[i] = System.nanoTime() - t0;
            remove(id, WriteMode.EPHEMERAL);
        }
        return out;
    }

    private String createAttach(BenchImage img, String id, WriteMode mode) {
        BlockStore.VolumeSpec spec = new BlockStore.VolumeSpec(id, img.reference(), fs, 0, 0, false, mode);
        store.createVolume(spec, RegistryCredentials.NONE, BlockStore.Progress.NONE);
        return store.attach(id, BlockStore.AttachOptions.DEFAULT).device();
    }

    private void remove(String id, WriteMode mode) {
        try {
            store.detach(id);
            store.deleteVolume(id);
        } catch (RuntimeException e) {
            System.err.println("bench: cannot remove volume " + id + ": " + e.getMessage());
        }
    }

    private static long deviceBytes(String device) {
        return Long.parseLong(Proc.run("blockdev", "--getsize64", device).strip());
    }

    /** Adds the samples and their ratios to one reader to {@code res}, with the targets for the most readers. */
    static void report(Results res, List<Sample> samples, long mib) {
        int most = samples.stream().mapToInt(Sample::readers).max().orElse(1);
        for (Sample s : samples) {
            Sample one = samples.stream()
                    .filter(o -> o.mode().equals(s.mode()) && o.readers() == 1)
                    .findFirst()
                    .orElse(null);
            String variant = s.mode() + ", " + s.readers() + " reader" + (s.readers() == 1 ? "" : "s");
            res.figure(
                    SCENARIO,
                    variant + ": host page cache growth (meminfo)",
                    mib,
                    s.readers(),
                    s.cacheMiB(),
                    "MiB",
                    "",
                    "");
            res.figure(SCENARIO, variant + ": store disk reads", mib, s.readers(), s.storeReadMiB(), "MiB", "", "");
            res.figure(
                    SCENARIO,
                    variant + ": host disk reads (whole host)",
                    mib,
                    s.readers(),
                    s.hostDiskReadMiB(),
                    "MiB",
                    "",
                    "");
            res.figure(
                    SCENARIO,
                    variant + ": store files resident (fincore)",
                    mib,
                    s.readers(),
                    s.residentMiB(),
                    "MiB",
                    "",
                    "");
            res.figure(
                    SCENARIO,
                    variant + ": of which xfs.img resident (the store's loop file)",
                    mib,
                    s.readers(),
                    s.xfsImgMiB(),
                    "MiB",
                    "",
                    "");
            if (one != null && s.readers() > 1) {
                boolean target = !s.mode().equals(PERSISTENT) && s.readers() == most;
                double cacheRatio = s.cacheMiB() / one.cacheMiB();
                double readRatio = s.storeReadMiB() / one.storeReadMiB();
                res.figure(
                        SCENARIO,
                        variant + ": page cache / 1 reader's",
                        mib,
                        s.readers(),
                        cacheRatio,
                        "x",
                        target ? "<= 1.2x" : "",
                        target ? (cacheRatio <= 1.2 ? "yes" : "no") : "");
                res.figure(
                        SCENARIO,
                        variant + ": store disk reads / 1 reader's",
                        mib,
                        s.readers(),
                        readRatio,
                        "x",
                        target ? "<= 1.05x" : "",
                        target ? (readRatio <= 1.05 ? "yes" : "no") : "");
                double residentRatio = s.residentMiB() / one.residentMiB();
                res.figure(
                        SCENARIO,
                        variant + ": resident store files / 1 reader's",
                        mib,
                        s.readers(),
                        residentRatio,
                        "x",
                        target ? "<= 1.2x" : "",
                        target ? (residentRatio <= 1.2 ? "yes" : "no") : "");
            }
        }
    }
}
