package io.unibloc.cli.bench;

import io.unibloc.blockstore.BlockStore;
import io.unibloc.registry.auth.RegistryCredentials;
import io.unibloc.sandbox.Sandbox;
import io.unibloc.sandbox.SandboxException;
import io.unibloc.sandbox.SandboxOptions;
import io.unibloc.sandbox.runtime.RunningGuest;
import io.unibloc.sandbox.spec.BootSpec;
import io.unibloc.types.FsType;
import io.unibloc.types.Machine;
import io.unibloc.types.WriteMode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Node density with booted guests: N guests of the project's Linux test guest booted at once from N volumes of one
 * {@link GuestImage}, each reading the image's data file whole from its root disk, after dropping the host's caches.
 * While all N are still up it counts what the store paid: its files' resident page cache ({@code fincore}, each
 * inode once) and the bytes read from the device under the store's filesystem; beside them the guests' own disk
 * reads (their volume devices' counters) and whether QEMU opened its root with O_DIRECT.
 *
 * <p>The guests boot through the sandbox in this process, as {@code unibloc run} boots them: a persistent volume's
 * writable device as the root, or an ephemeral volume's shared read-only device behind a fresh qcow2 overlay.
 */
final class GuestPageCacheBench {
    static final String SCENARIO = "page cache, N booted guests of one image";
    private static final String PREFIX = "unibloc-guest: ";

    /**
     * One sample: N guests in one mode.
     *
     * @param residentBytes the store's files resident in the page cache (each inode once)
     * @param xfsImgBytes of which the xfs-loop backend's {@code xfs.img}
     * @param storeReadBytes bytes read from the device under the store's filesystem (what reached the store's disk)
     * @param guestReadBytes bytes all the guests read from their volume devices (what the guests asked for)
     * @param hostDiskReadBytes bytes read from the host disk under the store directory (whole host)
     * @param cacheGrowthBytes growth of Cached + Buffers (whole host, noisy)
     * @param slowestMillis from the first guest's start until the last one had read the file
     * @param rootDirect whether every QEMU had its root's device (and overlay) open with O_DIRECT
     */
    record Sample(
            WriteMode mode,
            int guests,
            long residentBytes,
            long xfsImgBytes,
            long storeReadBytes,
            long guestReadBytes,
            long hostDiskReadBytes,
            long cacheGrowthBytes,
            long slowestMillis,
            boolean rootDirect) {}

    private final BlockStore store;
    private final FsType fs;
    private final Path storeRoot;
    private final Path work;
    private final SandboxOptions options;
    private final BootSpec guestSpec;
    private final Duration deadline;
    private final String prefix = "gbench-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    private int seq;

    /**
     * @param guestSpec the test guest's kernel, initramfs, memory and machine; the root device is set per guest
     * @param deadline how long N guests may take to boot and read, per guest (TCG on a loaded host is slow)
     */
    GuestPageCacheBench(
            BlockStore store,
            FsType fs,
            Path storeRoot,
            Path work,
            SandboxOptions options,
            BootSpec guestSpec,
            Duration deadline) {
        this.store = store;
        this.fs = fs;
        this.storeRoot = storeRoot;
        this.work = work;
        this.options = options;
        this.guestSpec = guestSpec;
        this.deadline = deadline;
    }

    /** The test guest's spec: host kernel and initramfs, {@code unibloc_wait=1} so it stays up after reading. */
    static BootSpec guestSpec(Path kernel, Path initrd, int memoryMiB, Machine machine) {
        return BootSpec.builder()
                .kernelHostPath(kernel.toString())
                .initrdHostPath(initrd.toString())
                .memoryMiB(memoryMiB)
                .machine(machine)
                .putEnv("unibloc_wait", "1")
                .bootTimeoutSeconds(0) // the bench's own deadline covers N guests sharing two cores
                .build();
    }

    List<Sample> run(GuestImage img, List<WriteMode> modes, List<Integer> counts)
            throws IOException, InterruptedException {
        store.prepare(img.image().reference(), fs, RegistryCredentials.NONE, BlockStore.Progress.NONE);
        List<Sample> samples = new ArrayList<>();
        for (WriteMode mode : modes) {
            for (int n : counts) {
                Sample s = sample(img, mode, n);
                System.err.printf(
                        "bench: %d %s guests: store resident %d MiB, store reads %d MiB, guests read %d MiB, %d ms%n",
                        n,
                        mode.id(),
                        s.residentBytes() >> 20,
                        s.storeReadBytes() >> 20,
                        s.guestReadBytes() >> 20,
                        s.slowestMillis());
                samples.add(s);
            }
        }
        return samples;
    }

    private Sample sample(GuestImage img, WriteMode mode, int n) throws IOException, InterruptedException {
        try (GuestFleet fleet = new GuestFleet(store, work.resolve(prefix + "overlays-" + (++seq)))) {
            List<String> devices = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String id = prefix + (++seq);
                fleet.volume(id);
                store.createVolume(
                        new BlockStore.VolumeSpec(id, img.image().reference(), fs, 0, 0, false, mode),
                        RegistryCredentials.NONE,
                        BlockStore.Progress.NONE);
                devices.add(store.attach(id, BlockStore.AttachOptions.DEFAULT).device());
            }
            String storeDevice = HostIo.deviceUnder(StoreFiles.dataRoot(storeRoot));
            String hostDisk = HostIo.deviceUnder(storeRoot);
            HostIo.dropCaches();
            long cache0 = HostIo.pageCacheBytes();
            long store0 = HostIo.readBytes(storeDevice);
            long host0 = HostIo.readBytes(hostDisk);
            long guests0 = guestDeviceReads(devices);
            long t0 = System.nanoTime();
            List<Watch> watches = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Watch watch = new Watch(i);
                Path overlay = mode == WriteMode.EPHEMERAL ? fleet.overlay(i) : null;
                BootSpec spec = guestSpec.toBuilder().rootDevice(devices.get(i)).build();
                try {
                    watch.guest = new Sandbox(options, overlay).start(spec, watch::line);
                } catch (SandboxException e) {
                    throw new IOException(
                            "guest " + i + " of " + n + " (" + mode.id() + ") did not start: " + e.getMessage(), e);
                }
                fleet.guest(watch.guest);
                watches.add(watch);
            }
            long slowest = awaitReads(watches, img, t0, n);
            StoreFiles.Resident resident = StoreFiles.resident(storeRoot);
            long storeRead = HostIo.readBytes(storeDevice) - store0;
            long hostRead = HostIo.readBytes(hostDisk) - host0;
            long cache = HostIo.pageCacheBytes() - cache0;
            long guestRead = guestDeviceReads(devices) - guests0;
            boolean direct = true;
            for (Watch w : watches) {
                Map<String, Boolean> files = VmmProcFiles.openFiles(
                        w.guest.pid(),
                        devices.get(w.index),
                        fleet.overlay(w.index).toString());
                direct &= !files.isEmpty() && !files.containsValue(false);
                if (w.index == 0) {
                    System.err.println(
                            "bench: QEMU " + w.guest.pid() + " (" + mode.id() + ") root files, O_DIRECT: " + files);
                }
            }
            return new Sample(
                    mode,
                    n,
                    resident.total(),
                    resident.xfsImg(),
                    storeRead,
                    guestRead,
                    hostRead,
                    cache,
                    slowest,
                    direct);
        }
    }

    /**
     * Bytes read from the guests' own volume devices: what the guests asked of their root disks (QEMU reads the
     * device O_DIRECT, also through an overlay's backing file), whether or not the store's page cache had it. Not
     * QEMU's {@code /proc/PID/io} {@code read_bytes}: after the cache drop that also counts QEMU loading its own
     * binary, firmware, kernel and initramfs (~50 MiB more for the first guest here).
     */
    private static long guestDeviceReads(List<String> devices) {
        long sum = 0;
        for (String device : devices) {
            sum += HostIo.readBytes(Path.of(device).getFileName().toString());
        }
        return sum;
    }

    /** Waits until every guest printed the read line with the right MD5; the time of the last one. */
    private long awaitReads(List<Watch> watches, GuestImage img, long t0, int n)
            throws IOException, InterruptedException {
        long end = t0 + deadline.toNanos() * n;
        long slowest = 0;
        for (Watch w : watches) {
            while (!w.read.isDone()) {
                if (!w.guest.isAlive()) {
                    throw new IOException(
                            "guest " + w.index + " of " + n + " ended before reading the file; console: " + w.tail());
                }
                if (System.nanoTime() > end) {
                    throw new IOException("guest " + w.index + " of " + n + " did not read the file within "
                            + deadline.multipliedBy(n).toSeconds() + " s; console: " + w.tail());
                }
                Thread.sleep(100);
            }
            String md5 = w.read.join();
            if (!md5.equals(img.dataMd5())) {
                throw new IOException(
                        "guest " + w.index + " read MD5 " + md5 + ", the image's file has " + img.dataMd5());
            }
            slowest = Math.max(slowest, TimeUnit.NANOSECONDS.toMillis(w.readAt - t0));
        }
        return slowest;
    }

    /** One guest's console: the read line's MD5 and when it came, and the last lines for an error message. */
    private static final class Watch {
        final int index;
        final CompletableFuture<String> read = new CompletableFuture<>();
        final Deque<String> last = new ArrayDeque<>();
        volatile RunningGuest guest;
        volatile long readAt;

        Watch(int index) {
            this.index = index;
        }

        void line(String line) {
            synchronized (last) {
                last.addLast(line);
                if (last.size() > 20) {
                    last.removeFirst();
                }
            }
            int at = line.indexOf(GuestImage.READ_LINE);
            if (at >= 0) {
                readAt = System.nanoTime();
                read.complete(line.substring(at + GuestImage.READ_LINE.length()).strip());
            }
        }

        String tail() {
            synchronized (last) {
                return String.join(" | ", last).replace(PREFIX, "");
            }
        }
    }
}
