package io.unibloc.blockstore.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.unibloc.blockstore.BlockStore;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToLongFunction;

/**
 * Meters of the engine:
 * <ul>
 *   <li>{@code unibloc.chain.build} — timer per layer applied, tags {@code fs}, {@code step} (base|next|merged)</li>
 *   <li>{@code unibloc.chain.cache} — counter of chain lookups, tags {@code fs}, {@code result} (hit|miss)</li>
 *   <li>{@code unibloc.volume.op} — timer per volume operation, tags {@code op}, {@code outcome} (ok|error)</li>
 *   <li>{@code unibloc.store.bytes} — gauge, tag {@code kind} (shared|exclusive|logical|blobs), as of the
 *       last {@link #recordUsage} (every usage report updates it)</li>
 *   <li>{@code unibloc.store.volumes} — gauge, tag {@code mode} (persistent|ephemeral): volumes in the store as of
 *       the last usage report ({@code unibloc_store_volumes} in Prometheus)</li>
 *   <li>{@code unibloc.store.page.cache} — gauge, tag {@code kind} (chains|volumes|backend|blobs): bytes of the
 *       store's files resident in the host page cache as of the last usage report, each inode once (an ephemeral
 *       volume's link is its chain image: under {@code chains}); {@code backend} is {@code xfs.img} of xfs-loop,
 *       {@code blobs} the content store's layer and config files ({@code unibloc_store_page_cache_bytes} in
 *       Prometheus; their sum is the store's whole share). NaN while unknown: before the first report, after a
 *       failed count, or when the kernel would not answer this process truly ({@code mincore} needs write access
 *       to the files since Linux 5.2)</li>
 *   <li>{@code unibloc.store.backend.info} — gauge 1, tag {@code backend} (reflink|xfs-loop|copy): which
 *       copy-on-write backend the store uses ({@code unibloc_store_backend_info} in Prometheus)</li>
 * </ul>
 */
public final class StoreMetrics {
    private final MeterRegistry registry;
    private final AtomicLong shared = new AtomicLong();
    private final AtomicLong exclusive = new AtomicLong();
    private final AtomicLong logical = new AtomicLong();
    private final AtomicLong blobs = new AtomicLong();
    private final AtomicLong persistentVolumes = new AtomicLong();
    private final AtomicLong ephemeralVolumes = new AtomicLong();
    private final AtomicReference<BlockStore.PageCacheUsage> pageCache =
            new AtomicReference<>(BlockStore.PageCacheUsage.unknown("not counted yet"));

    public StoreMetrics(MeterRegistry registry) {
        this.registry = registry;
        gauge("shared", shared);
        gauge("exclusive", exclusive);
        gauge("logical", logical);
        gauge("blobs", blobs);
        volumes("persistent", persistentVolumes);
        volumes("ephemeral", ephemeralVolumes);
        pageCache("chains", BlockStore.PageCacheUsage::chainBytes);
        pageCache("volumes", BlockStore.PageCacheUsage::volumeBytes);
        pageCache("backend", BlockStore.PageCacheUsage::backendFileBytes);
        pageCache("blobs", BlockStore.PageCacheUsage::blobBytes);
    }

    private void volumes(String mode, AtomicLong value) {
        Gauge.builder("unibloc.store.volumes", value, AtomicLong::get)
                .tag("mode", mode)
                .description("volumes in the block store, by write mode")
                .register(registry);
    }

    /** NaN while the figure is unknown (not counted yet, or the last count failed): never a 0 that is not true. */
    private void pageCache(String kind, ToLongFunction<BlockStore.PageCacheUsage> bytes) {
        Gauge.builder("unibloc.store.page.cache", pageCache, ref -> {
                    BlockStore.PageCacheUsage u = ref.get();
                    return u.known() ? bytes.applyAsLong(u) : Double.NaN;
                })
                .tag("kind", kind)
                .baseUnit("bytes")
                .description("bytes of the block store's files resident in the host page cache, each inode once")
                .register(registry);
    }

    private void gauge(String kind, AtomicLong value) {
        Gauge.builder("unibloc.store.bytes", value, AtomicLong::get)
                .tag("kind", kind)
                .baseUnit("bytes")
                .description("bytes in the block store")
                .register(registry);
    }

    /** Publishes the backend in use as an info gauge (value 1), so that an alert can catch {@code copy}. */
    public void backend(String name) {
        Gauge.builder("unibloc.store.backend.info", () -> 1)
                .tag("backend", name)
                .description("the copy-on-write backend the block store uses")
                .register(registry);
    }

    public void layerBuilt(String fs, String step, Duration took) {
        Timer.builder("unibloc.chain.build")
                .tag("fs", fs)
                .tag("step", step)
                .description("time to build one chain image (one layer applied)")
                .register(registry)
                .record(took);
    }

    public void chainLookup(String fs, boolean hit) {
        Counter.builder("unibloc.chain.cache")
                .tag("fs", fs)
                .tag("result", hit ? "hit" : "miss")
                .description("chain images found built (hit) or built now (miss)")
                .register(registry)
                .increment();
    }

    public void volumeOp(String op, boolean ok, Duration took) {
        Timer.builder("unibloc.volume.op")
                .tag("op", op)
                .tag("outcome", ok ? "ok" : "error")
                .description("volume operations")
                .register(registry)
                .record(took);
    }

    public void recordUsage(long sharedBytes, long exclusiveBytes, long logicalBytes, long blobBytes) {
        shared.set(sharedBytes);
        exclusive.set(exclusiveBytes);
        logical.set(logicalBytes);
        blobs.set(blobBytes);
    }

    public void recordVolumes(int persistent, int ephemeral) {
        persistentVolumes.set(persistent);
        ephemeralVolumes.set(ephemeral);
    }

    public void recordPageCache(BlockStore.PageCacheUsage usage) {
        pageCache.set(usage);
    }

    public MeterRegistry registry() {
        return registry;
    }
}
