package io.unibloc.csi.node.reconcile;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RegisteredController;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.micrometer.core.instrument.MeterRegistry;
import io.unibloc.api.v1alpha1.BlockVolume;
import io.unibloc.blockstore.BlockStore;
import io.unibloc.csi.node.volume.VolumeLocks;
import io.unibloc.csi.node.volume.VolumeRecords;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's BlockVolume controller put together: builds the {@link BlockVolumeReconciler}'s collaborators, registers
 * it with the node's JOSDK {@link Operator} (an informer on the records labelled with this node, the storage
 * finalizer, JOSDK's exponential back-off, a reconcile at least every {@code resync}), and runs the orphan sweep on
 * its own scheduler. The wake-up event source is how a finished preparation or NodeUnstageVolume asks for a prompt
 * reconcile of one record.
 */
public final class BlockVolumeController implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BlockVolumeController.class);
    private final String node;
    private final BlockVolumeReconciler.Settings settings;
    private final SimpleInboundEventSource<BlockVolume> wakeUps =
            new SimpleInboundEventSource<>("blockvolume-wake-ups");
    private final Preparations preparations;
    private final VolumeCache cache;
    private final OrphanSweeper sweeper;
    private final RegisteredController<BlockVolume> registered;
    private final ScheduledExecutorService sweeps;
    private volatile boolean started;

    /** Registers the controller with {@code operator}, which the caller starts before {@link #start}. */
    public BlockVolumeController(
            Operator operator,
            KubernetesClient client,
            BlockStore store,
            String node,
            VolumeLocks locks,
            Clock clock,
            MeterRegistry meters,
            BlockVolumeReconciler.Settings settings) {
        this.node = node;
        this.settings = settings;
        GenericRetry retry = new GenericRetry()
                .setInitialInterval(settings.retryBase().toMillis())
                .setIntervalMultiplier(2)
                .setMaxInterval(settings.retryMax().toMillis())
                .withoutMaxAttempts();
        this.preparations = new Preparations(settings.preparers(), retry, this::wake);
        this.cache = new VolumeCache(client);
        this.sweeper = new OrphanSweeper(client, store, node, locks, settings.cacheBudgetBytes());
        BlockVolumeReconciler reconciler = new BlockVolumeReconciler(
                store,
                node,
                locks,
                preparations,
                new VolumePreparer(store, new VolumeCredentials(client)),
                new VolumeStatusWriter(clock),
                cache,
                wakeUps,
                meters,
                settings);
        this.registered = operator.register(
                reconciler,
                c -> c.withLabelSelector(BlockVolume.NODE_LABEL + "=" + node)
                        .withRetry(retry)
                        .withReconciliationMaxInterval(settings.resync()));
        this.sweeps = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "blockvolume-sweep");
            t.setDaemon(true);
            return t;
        });
    }

    /** After the operator has started (its informer synced): sweeps once, then every {@code sweepEvery}. */
    public void start() {
        started = true;
        sweepNow();
        long period = settings.sweepEvery().toMillis();
        sweeps.scheduleWithFixedDelay(
                () -> {
                    try {
                        sweepNow();
                    } catch (RuntimeException e) {
                        LOG.warn("orphan sweep failed node={}", node, e);
                    }
                },
                period,
                period,
                TimeUnit.MILLISECONDS);
        LOG.info(
                "reconciling BlockVolumes node={} records={}",
                node,
                cache.names().size());
    }

    /** Whether the controller runs with a healthy informer (CSI Probe and /healthz wait for it). */
    public boolean synced() {
        return started && !registered.getControllerHealthInfo().hasUnhealthyEventSources();
    }

    /** Asks for a prompt look at {@code name} (after NodeUnstageVolume frees a volume whose deletion was deferred). */
    public void nudge(String name) {
        wake(name);
    }

    /** The records of this node, from the controller's cache. */
    public VolumeRecords records() {
        return cache;
    }

    /** Sweeps orphans now (also what start-up and the schedule run); returns how many volumes were freed. */
    public int sweepNow() {
        if (!synced()) {
            return 0;
        }
        var owned = cache.names();
        preparations.retainOnly(owned);
        return sweeper.sweep(owned);
    }

    private void wake(String name) {
        if (wakeUps.isRunning()) {
            wakeUps.propagateEvent(new ResourceID(name));
        }
    }

    /** Stops the sweeps and the preparations; the operator is stopped by its owner. */
    @Override
    public void close() {
        started = false;
        sweeps.shutdownNow();
        preparations.close();
    }
}
