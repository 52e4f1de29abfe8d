package io.unibloc.csi.node.nodestore;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.unibloc.api.status.Conditions;
import io.unibloc.api.status.StatusPatch;
import io.unibloc.api.v1alpha1.NodeStore;
import io.unibloc.api.v1alpha1.NodeStoreImage;
import io.unibloc.api.v1alpha1.NodeStoreImagePhase;
import io.unibloc.api.v1alpha1.NodeStorePageCache;
import io.unibloc.api.v1alpha1.NodeStoreSpec;
import io.unibloc.api.v1alpha1.NodeStoreStatus;
import io.unibloc.blockstore.BlockStore;
import io.unibloc.csi.node.kvm.KvmState;
import io.unibloc.types.StoreException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes this node's {@link NodeStore} (name = node name) every {@code period}: what the store holds and can
 * still take, its volumes of both write modes, the host page cache its files hold (a {@code mincore} walk of each
 * store file, so it is counted on this period and not per request), the images whose chains are here, pre-warming
 * readiness and whether KVM works (condition {@code KvmUsable}, reasons as in {@link KvmState.Reason}) and whether
 * volumes share blocks with their images (condition {@code CopyOnWrite}: False on the copy backend, which a node
 * only uses when told to). Conditions come from the project's one builder, {@link Conditions}. The controller
 * treats a report that stops being refreshed as no store. The same figures are Prometheus gauges
 * {@code unibloc_store_*_bytes} (and the engine's {@code unibloc_store_volumes{mode}},
 * {@code unibloc_store_page_cache_bytes{kind}}, refreshed by the same report). The NodeStore is created without
 * status; the status is written with a JSON merge patch to its status subresource ({@link StatusPatch}).
 */
public final class NodeStoreReporter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeStoreReporter.class);
    private final KubernetesClient client;
    private final BlockStore store;
    private final String node;
    private final Path storeDir;
    private final Supplier<List<NodeStoreImage>> images;
    private final Supplier<Optional<KvmState>> kvm;
    private final Clock clock;
    private final Duration period;
    private final AtomicReference<BlockStore.StoreUsage> last = new AtomicReference<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "nodestore-report");
        t.setDaemon(true);
        return t;
    });

    public NodeStoreReporter(
            KubernetesClient client,
            BlockStore store,
            String node,
            Path storeDir,
            Supplier<List<NodeStoreImage>> images,
            Supplier<Optional<KvmState>> kvm,
            Clock clock,
            Duration period,
            MeterRegistry meters) {
        this.client = client;
        this.store = store;
        this.node = node;
        this.storeDir = storeDir;
        this.images = images;
        this.kvm = kvm;
        this.clock = clock;
        this.period = period;
        gauge(meters, "unibloc.store.capacity.bytes", BlockStore.StoreUsage::capacityBytes);
        gauge(meters, "unibloc.store.free.bytes", BlockStore.StoreUsage::freeBytes);
        gauge(meters, "unibloc.store.logical.bytes", BlockStore.StoreUsage::logicalBytes);
        gauge(meters, "unibloc.store.physical.bytes", BlockStore.StoreUsage::physicalBytes);
        gauge(meters, "unibloc.store.blob.bytes", BlockStore.StoreUsage::blobBytes);
        gauge(meters, "unibloc.store.chains", BlockStore.StoreUsage::chains);
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::reportQuietly, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Schedules a report as soon as possible (after a change such as the KVM answer). */
    public void refresh() {
        try {
            timer.execute(this::reportQuietly);
        } catch (RejectedExecutionException e) {
            // Closed.
        }
    }

    /** Writes the report now. Errors: the client's or the store's exceptions. */
    public NodeStore report() {
        BlockStore.StoreUsage usage = store.usage();
        last.set(usage);
        List<NodeStoreImage> prewarm = images.get();
        TreeSet<String> cached = new TreeSet<>();
        for (BlockStore.Volume v : store.listVolumes()) {
            cached.add(v.image().toString());
        }
        for (NodeStoreImage i : prewarm) {
            if (i.getPhase() == NodeStoreImagePhase.Ready && i.getPinnedImage() != null) {
                cached.add(i.getPinnedImage());
            }
        }
        var resource = client.resources(NodeStore.class).withName(node);
        NodeStore current = resource.get();
        if (current == null) {
            // Created without status (a real API server drops status on create); the status patch below fills it.
            NodeStore fresh = new NodeStore();
            fresh.setMetadata(new ObjectMetaBuilder().withName(node).build());
            NodeStoreSpec spec = new NodeStoreSpec();
            spec.setNode(node);
            spec.setStoreDir(storeDir.toString());
            fresh.setSpec(spec);
            try {
                current = client.resources(NodeStore.class).resource(fresh).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                current = resource.require();
            }
        }
        NodeStoreStatus before = current.getStatus();
        NodeStoreStatus s = before == null ? new NodeStoreStatus() : StatusPatch.copy(before);
        s.setBackend(usage.backend());
        s.setCapacityBytes(usage.capacityBytes());
        s.setFreeBytes(usage.freeBytes());
        s.setLogicalBytes(usage.logicalBytes());
        s.setPhysicalBytes(usage.physicalBytes());
        s.setBlobBytes(usage.blobBytes());
        s.setVolumes(usage.volumes());
        s.setEphemeralVolumes(usage.ephemeralVolumes());
        s.setEphemeralBytes(usage.ephemeralBytes());
        s.setPageCache(pageCache(usage.pageCache()));
        if (!usage.pageCache().known()) {
            LOG.warn(
                    "page cache unknown, left out of the status node={} cause={}",
                    node,
                    usage.pageCache().unknownCause());
        }
        s.setChains(usage.chains());
        s.setCachedImages(List.copyOf(cached));
        s.setImages(prewarm);
        Optional<KvmState> kvmState = kvm.get();
        s.setKvm(kvmState.map(KvmState::usable).orElse(null));
        s.setUpdatedAt(clock.instant().toString());
        s.setConditions(conditions(s.getConditions(), current.getMetadata().getGeneration(), usage, kvmState));
        return StatusPatch.apply(client, current, before, s);
    }

    /** Unset (null) when unknown: a reader must not take a failed count for an empty cache. */
    private static NodeStorePageCache pageCache(BlockStore.PageCacheUsage usage) {
        if (!usage.known()) {
            return null;
        }
        NodeStorePageCache out = new NodeStorePageCache();
        out.setTotalBytes(usage.totalBytes());
        out.setChainBytes(usage.chainBytes());
        out.setVolumeBytes(usage.volumeBytes());
        out.setBackendFileBytes(usage.backendFileBytes());
        out.setBlobBytes(usage.blobBytes());
        return out;
    }

    /**
     * {@code Ready}, {@code KvmUsable} (once the node's KVM answer is known) and {@code CopyOnWrite}, through the
     * project's one condition builder: a transition time moves only when its status flips. A condition this report
     * does not set is dropped (no KVM answer yet: no {@code KvmUsable}).
     */
    List<Condition> conditions(
            List<Condition> previous, Long generation, BlockStore.StoreUsage usage, Optional<KvmState> kvmState) {
        Conditions c = new Conditions(previous, generation == null ? 0 : generation, clock.instant())
                .set(
                        NodeStoreStatus.CONDITION_READY,
                        Conditions.TRUE,
                        "StoreUsable",
                        "block store at " + storeDir + " (" + usage.backend() + ")");
        kvmState.ifPresent(k -> c.set(
                NodeStoreStatus.CONDITION_KVM_USABLE,
                k.usable() ? Conditions.TRUE : Conditions.FALSE,
                k.reason().name(),
                k.message()));
        BlockStore.BackendInfo backend = store.backendInfo();
        c.set(
                NodeStoreStatus.CONDITION_COPY_ON_WRITE,
                backend.sharesBlocks() ? Conditions.TRUE : Conditions.FALSE,
                backend.sharesBlocks() ? "SharedBlocks" : "FullCopies",
                backend.sharesBlocks()
                        ? "backend " + backend.name() + ": volumes are copy-on-write clones (" + backend.reason() + ")"
                        : "backend " + backend.name() + ": every volume is a full copy of its image ("
                                + backend.reason() + ")");
        List<String> order = new ArrayList<>(List.of(NodeStoreStatus.CONDITION_READY));
        kvmState.ifPresent(k -> order.add(NodeStoreStatus.CONDITION_KVM_USABLE));
        order.add(NodeStoreStatus.CONDITION_COPY_ON_WRITE);
        return c.list(order).stream().filter(x -> order.contains(x.getType())).toList();
    }

    private void reportQuietly() {
        try {
            report();
        } catch (KubernetesClientException | StoreException e) {
            LOG.warn("cannot report store node={} message={}", node, e.getMessage());
        } catch (RuntimeException e) {
            // A fixed-delay task that throws is never run again: log it and keep reporting.
            LOG.error("store report failed node={} error={}", node, e.toString());
        }
    }

    private void gauge(MeterRegistry meters, String name, ToDoubleFunction<BlockStore.StoreUsage> value) {
        Gauge.builder(name, last, ref -> ref.get() == null ? Double.NaN : value.applyAsDouble(ref.get()))
                .description("block store figure from the last report")
                .register(meters);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
