package io.unibloc.csi.node.reconcile;

import io.unibloc.api.v1alpha1.BlockVolumeTimings;
import io.unibloc.blockstore.BlockStore;
import io.unibloc.registry.ref.Digest;
import java.util.concurrent.atomic.AtomicLong;

/** Collects how long pulling and building took during one preparation, from the store's progress callbacks. */
final class PreparationTimer implements BlockStore.Progress {
    private final long start = System.nanoTime();
    private final AtomicLong firstPull = new AtomicLong(-1);
    private final AtomicLong lastPull = new AtomicLong(-1);
    private final AtomicLong buildMillis = new AtomicLong();
    private volatile boolean built;

    @Override
    public void pullStarted(Digest blob, long totalBytes) {
        firstPull.compareAndSet(-1, System.nanoTime());
    }

    @Override
    public void pullFinished(Digest blob) {
        lastPull.set(System.nanoTime());
    }

    @Override
    public void buildFinished(String chainId, long millis) {
        built = true;
        buildMillis.addAndGet(millis);
    }

    BlockVolumeTimings timings() {
        BlockVolumeTimings t = new BlockVolumeTimings();
        long now = System.nanoTime();
        boolean pulled = firstPull.get() >= 0;
        t.setPullMillis(pulled ? (Math.max(lastPull.get(), firstPull.get()) - firstPull.get()) / 1_000_000 : 0L);
        t.setBuildMillis(buildMillis.get());
        t.setTotalMillis((now - start) / 1_000_000);
        t.setCached(!pulled && !built);
        return t;
    }
}
