package io.unibloc.cli.bench;

import io.unibloc.blockstore.BlockStore;
import io.unibloc.registry.auth.RegistryCredentials;
import io.unibloc.registry.ref.Digest;
import io.unibloc.types.FsType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The unibloc side of each scenario, through the public {@link BlockStore} interface only. Cleans up its volumes. */
final class EngineBench {
    private final BlockStore store;
    private final FsType fs;
    private final String prefix = "bench-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    private final List<String> created = new ArrayList<>();
    private final AtomicInteger seq = new AtomicInteger();

    EngineBench(BlockStore store, FsType fs) {
        this.store = store;
        this.fs = fs;
    }

    BlockStore.PreparedImage prepare(BenchImage img) {
        return store.prepare(img.reference(), fs, RegistryCredentials.NONE, BlockStore.Progress.NONE);
    }

    /** Warm create + attach (+ first read), {@code n} times; each volume is detached and deleted outside the timing. */
    long[] createAttach(BenchImage img, int n) {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            String id = newId();
            long t0 = System.nanoTime();
            store.createVolume(
                    new BlockStore.VolumeSpec(id, img.reference(), fs, 0, false),
                    RegistryCredentials.NONE,
                    BlockStore.Progress.NONE);
            String dev = store.attach(id, BlockStore.AttachOptions.DEFAULT).device();
            Proc.run("dd", "if=" + dev, "of=/dev/null", "bs=4096", "count=1", "status=none");
            out[i] = System.nanoTime() - t0;
            remove(id);
        }
        return out;
    }

    /** Creates {@code n} volumes of a prepared image and leaves them (for disk-use figures). */
    List<String> createMany(BenchImage img, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = newId();
            store.createVolume(
                    new BlockStore.VolumeSpec(id, img.reference(), fs, 0, false),
                    RegistryCredentials.NONE,
                    BlockStore.Progress.NONE);
            ids.add(id);
        }
        return ids;
    }

    /** Outcome of many concurrent creates of one uncached image. */
    record Concurrent(
            int succeeded,
            int failed,
            int maxPullsPerBlob,
            int blobsPulled,
            int maxBuildsPerLayerStep,
            int buildSteps,
            long millis,
            String firstError) {}

    Concurrent concurrentCreates(BenchImage img, int n) throws InterruptedException {
        Map<Digest, AtomicInteger> pulls = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> builds = new ConcurrentHashMap<>();
        BlockStore.Progress counting = new BlockStore.Progress() {
            @Override
            public void pullStarted(Digest blob, long totalBytes) {
                pulls.computeIfAbsent(blob, k -> new AtomicInteger()).incrementAndGet();
            }

            @Override
            public void buildStarted(String chainId, int layerIndex, int layerCount) {
                builds.computeIfAbsent(chainId + "#" + layerIndex, k -> new AtomicInteger())
                        .incrementAndGet();
            }
        };
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> fs2 = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = newId();
            ids.add(id);
            fs2.add(pool.submit(() -> {
                go.await();
                store.createVolume(
                        new BlockStore.VolumeSpec(id, img.reference(), fs, 0, false),
                        RegistryCredentials.NONE,
                        counting);
                return null;
            }));
        }
        long t0 = System.nanoTime();
        go.countDown();
        int ok = 0;
        String firstError = "";
        for (Future<?> f : fs2) {
            try {
                f.get(30, TimeUnit.MINUTES);
                ok++;
            } catch (Exception e) {
                if (firstError.isEmpty()) {
                    firstError =
                            String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
                }
            }
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        pool.shutdownNow();
        return new Concurrent(
                ok,
                n - ok,
                pulls.values().stream().mapToInt(AtomicInteger::get).max().orElse(0),
                pulls.size(),
                builds.values().stream().mapToInt(AtomicInteger::get).max().orElse(0),
                builds.size(),
                ms,
                firstError);
    }

    long physical() {
        BlockStore.StoreUsage u = store.usage();
        return u.physicalBytes();
    }

    BlockStore.StoreUsage usage() {
        return store.usage();
    }

    private String newId() {
        String id = prefix + seq.incrementAndGet();
        synchronized (created) {
            created.add(id);
        }
        return id;
    }

    void remove(String id) {
        store.detach(id);
        store.deleteVolume(id);
    }

    /** Detaches and deletes every volume this run made. */
    void cleanUp() {
        List<String> ids;
        synchronized (created) {
            ids = new ArrayList<>(created);
        }
        for (String id : ids) {
            try {
                remove(id);
            } catch (RuntimeException e) {
                System.err.println("bench: cannot remove volume " + id + ": " + e.getMessage());
            }
        }
    }
}
