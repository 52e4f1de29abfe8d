package io.unibloc.csi.node.reconcile;

import io.unibloc.api.v1alpha1.BlockVolumeTimings;
import io.unibloc.blockstore.BlockStore;
import io.unibloc.registry.ref.Digest;
import io.unibloc.types.PullCancelledException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Collects how long pulling and building took during one preparation, from the store's progress callbacks, and is
 * where a deletion stops a pull: a callback during the pull throws {@link PullCancelledException} once
 * {@code cancelled} says so, which the engine passes on unchanged (the unfinished blob is discarded, nothing is left
 * behind, and no mirror's upstream is asked for the rest).
 */
final class PreparationTimer implements BlockStore.Progress {
    private final String volume;
    private final BooleanSupplier cancelled;
    private final long start = System.nanoTime();
    private final AtomicLong firstPull = new AtomicLong(-1);
    private final AtomicLong lastPull = new AtomicLong(-1);
    private final AtomicLong buildMillis = new AtomicLong();
    private volatile boolean built;

    PreparationTimer(String volume, BooleanSupplier cancelled) {
        this.volume = volume;
        this.cancelled = cancelled;
    }

    @Override
    public void pullStarted(Digest blob, long totalBytes) {
        stopIfCancelled(blob);
        firstPull.compareAndSet(-1, System.nanoTime());
    }

    @Override
    public void pulled(Digest blob, long bytesSoFar) {
        stopIfCancelled(blob);
    }

    private void stopIfCancelled(Digest blob) {
        if (cancelled.getAsBoolean()) {
            throw new PullCancelledException("preparation of volume " + volume
                    + " cancelled by its deletion while pulling blob " + blob.shortHex());
        }
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
