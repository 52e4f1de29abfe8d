package io.unibloc.csi.node.reconcile;

import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.unibloc.api.v1alpha1.BlockVolume;
import io.unibloc.api.v1alpha1.BlockVolumePhase;
import io.unibloc.blockstore.BlockStore;
import io.unibloc.csi.node.volume.VolumeLocks;
import io.unibloc.types.ErrorKind;
import io.unibloc.types.StoreException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Materialises the BlockVolumes of this node (label {@link BlockVolume#NODE_LABEL}, set by the controller's wiring)
 * in the block store, on the Java Operator SDK. A record without a usable volume gets status Preparing and its
 * preparation is handed to {@link Preparations} (its own pool: pulls never hold a reconcile thread); when that ends
 * the record is reconciled again and becomes Ready with timings, or Failed with a {@code BlockVolumeReasons} reason
 * when the failure is permanent; a retryable failure stays Preparing and is tried again after JOSDK's back-off. The
 * storage finalizer {@link BlockVolume#STORAGE_FINALIZER} is JOSDK's: {@link #cleanup} frees the storage, but never
 * while the volume is attached (deferred until NodeUnstageVolume) nor while its own preparation runs (the deletion
 * asks it to stop: a pull stops at its next chunk). Errors of a
 * reconcile (API server, a store error while freeing) are thrown and retried by JOSDK.
 */
@ControllerConfiguration(name = BlockVolumeReconciler.NAME, finalizerName = BlockVolume.STORAGE_FINALIZER)
public final class BlockVolumeReconciler implements Reconciler<BlockVolume>, Cleaner<BlockVolume> {
    public static final String NAME = "blockvolume";
    private static final Logger LOG = LoggerFactory.getLogger(BlockVolumeReconciler.class);

    /**
     * Tunables; {@link #defaults()} is what production uses.
     *
     * @param preparers preparations (pull + build) run at once
     * @param resync the longest time between two reconciles of a record
     * @param sweepEvery period of the orphan sweep
     * @param retryBase first back-off after a failure (doubling per consecutive failure)
     * @param retryMax longest back-off
     * @param deferredDeleteRecheck how often a deletion deferred by an attached volume looks again
     * @param internalRetries how often an INTERNAL preparation failure is retried before it is final
     * @param cacheBudgetBytes unused chains and blobs kept by the sweep's store GC
     */
    public record Settings(
            int preparers,
            Duration resync,
            Duration sweepEvery,
            Duration retryBase,
            Duration retryMax,
            Duration deferredDeleteRecheck,
            int internalRetries,
            long cacheBudgetBytes) {
        public static Settings defaults() {
            return new Settings(
                    4,
                    Duration.ofMinutes(5),
                    Duration.ofMinutes(10),
                    Duration.ofSeconds(5),
                    Duration.ofMinutes(5),
                    Duration.ofSeconds(10),
                    3,
                    Long.MAX_VALUE);
        }
    }

    private final BlockStore store;
    private final String node;
    private final VolumeLocks locks;
    private final Preparations preparations;
    private final VolumePreparer preparer;
    private final VolumeStatusWriter status;
    private final VolumeCache cache;
    private final EventSource<?, BlockVolume> wakeUps;
    private final MeterRegistry meters;
    private final Settings settings;

    /**
     * @param wakeUps the event source that {@link Preparations} and NodeUnstageVolume trigger; registered here
     * @param cache given the controller's primary cache when JOSDK prepares the event sources
     */
    BlockVolumeReconciler(
            BlockStore store,
            String node,
            VolumeLocks locks,
            Preparations preparations,
            VolumePreparer preparer,
            VolumeStatusWriter status,
            VolumeCache cache,
            EventSource<?, BlockVolume> wakeUps,
            MeterRegistry meters,
            Settings settings) {
        this.store = store;
        this.node = node;
        this.locks = locks;
        this.preparations = preparations;
        this.preparer = preparer;
        this.status = status;
        this.cache = cache;
        this.wakeUps = wakeUps;
        this.meters = meters;
        this.settings = settings;
    }

    @Override
    public List<EventSource<?, BlockVolume>> prepareEventSources(EventSourceContext<BlockVolume> context) {
        cache.attach(context.getPrimaryCache());
        return List.of(wakeUps);
    }

    @Override
    public UpdateControl<BlockVolume> reconcile(BlockVolume volume, Context<BlockVolume> context) {
        String name = volume.getMetadata().getName();
        if (!node.equals(volume.getSpec().getNode())) {
            LOG.debug("ignoring volume={} of node={}", name, volume.getSpec().getNode());
            return UpdateControl.noUpdate();
        }
        BlockVolumePhase phase =
                volume.getStatus() == null ? null : volume.getStatus().getPhase();
        if (phase == BlockVolumePhase.Failed || (phase == BlockVolumePhase.Ready && exists(name))) {
            return UpdateControl.noUpdate();
        }
        Optional<Preparations.State> state = preparations.state(name);
        if (state.isPresent()
                && state.get() instanceof Preparations.Finished finished
                && !(finished.outcome() instanceof Preparations.Cancelled)) {
            return report(volume, context, finished.outcome());
        }
        if (state.isEmpty() || !(state.get() instanceof Preparations.Running)) {
            // Nothing yet, a retry whose back-off is over, or a preparation a deletion cancelled (and the record
            // came back under the same name).
            if (phase != BlockVolumePhase.Preparing) {
                status.phase(
                        context,
                        volume,
                        BlockVolumePhase.Preparing,
                        null,
                        "preparing image " + volume.getSpec().getImage(),
                        s -> s.setPreparingSince(status.now()));
            }
            preparations.start(name, cancelled -> preparer.prepare(name, volume.getSpec(), cancelled));
        }
        return UpdateControl.noUpdate(); // Running: its end wakes this record.
    }

    private UpdateControl<BlockVolume> report(
            BlockVolume volume, Context<BlockVolume> context, Preparations.Outcome outcome) {
        String name = volume.getMetadata().getName();
        if (outcome instanceof Preparations.Prepared prepared) {
            BlockStore.Volume created = prepared.volume().volume();
            var timings = prepared.volume().timings();
            status.phase(context, volume, BlockVolumePhase.Ready, null, "ready", s -> {
                s.setSizeBytes(created.sizeBytes());
                s.setChainId(created.chainId());
                s.setReadyAt(status.now());
                s.setTimings(timings);
            });
            preparations.forget(name);
            preparationTimer("ready").record(Duration.ofMillis(timings.getTotalMillis()));
            LOG.info(
                    "volume ready volume={} chain={} sizeBytes={} totalMs={} pullMs={} buildMs={} cached={}",
                    name,
                    created.chainId(),
                    created.sizeBytes(),
                    timings.getTotalMillis(),
                    timings.getPullMillis(),
                    timings.getBuildMillis(),
                    timings.getCached());
            return UpdateControl.noUpdate();
        }
        if (outcome instanceof Preparations.Failed failed) {
            RuntimeException error = failed.error();
            if (error instanceof StoreException e && permanent(e, failed.attempt())) {
                status.phase(
                        context, volume, BlockVolumePhase.Failed, FailureReasons.of(e.kind()), e.getMessage(), s -> {});
                preparations.forget(name);
                preparationTimer("failed").record(failed.took());
                LOG.warn("volume failed volume={} kind={} message={}", name, e.kind(), e.getMessage());
                return UpdateControl.noUpdate();
            }
            status.message(
                    context,
                    volume,
                    "attempt " + failed.attempt() + " failed, retrying in "
                            + failed.delay().toSeconds() + "s: " + error.getMessage());
            preparations.waitForRetry(name);
            preparationTimer("retry").record(failed.took());
            LOG.info(
                    "volume preparation will retry volume={} attempt={} delayMs={} message={}",
                    name,
                    failed.attempt(),
                    failed.delay().toMillis(),
                    error.getMessage());
            return UpdateControl.<BlockVolume>noUpdate().rescheduleAfter(failed.delay());
        }
        throw new IllegalStateException("unexpected outcome " + outcome + " of volume " + name);
    }

    private Timer preparationTimer(String result) {
        return meters.timer("unibloc.csi.node.preparation", "result", result);
    }

    /**
     * Frees the volume's storage; JOSDK then drops the finalizer. Deferred (finalizer kept, looked at again) while the
     * volume is attached or its preparation runs (asked here to stop). Errors: a store failure is thrown and retried with back-off.
     */
    @Override
    public DeleteControl cleanup(BlockVolume volume, Context<BlockVolume> context) {
        String name = volume.getMetadata().getName();
        if (!node.equals(volume.getSpec().getNode())) {
            // Labelled for this node but naming another (a hand-edited record): the named node's informer never sees
            // it (it selects by label), so keeping the finalizer would hang the deletion for ever. Releasing it is
            // safe: neither node frees storage here, and each node's orphan sweep frees its copy, if any, once the
            // record is gone (never while attached; until then the sweep of the named node keeps it, as its spec
            // names that node). A preparation this node started while the spec still named it is stopped and its
            // outcome dropped: nobody wants that volume here any more.
            Optional<Preparations.State> state = preparations.state(name);
            if (state.isPresent() && state.get() instanceof Preparations.Running running) {
                running.job().cancel();
            }
            preparations.forget(name);
            LOG.warn(
                    "releasing volume={} labelled for node={} but of specNode={}: storage left to the orphan sweeps",
                    name,
                    node,
                    volume.getSpec().getNode());
            return DeleteControl.defaultDelete();
        }
        Optional<Preparations.State> state = preparations.state(name);
        if (state.isPresent()
                && state.get() instanceof Preparations.Running running
                && !running.job().cancel()) {
            status.message(context, volume, "deletion stopped the running preparation and waits for it to end");
            LOG.info("deletion stopped the preparation and waits for it volume={}", name);
            return DeleteControl.noFinalizerRemoval(); // The preparation's end wakes this record.
        }
        boolean freed = locks.with(name, () -> {
            Optional<BlockStore.Volume> stored = store.findVolume(name);
            if (stored.isPresent() && stored.get().device().isPresent()) {
                return false;
            }
            try {
                store.deleteVolume(name);
                return true;
            } catch (StoreException e) {
                if (e.kind() == ErrorKind.FAILED_PRECONDITION) {
                    return false;
                }
                throw e;
            }
        });
        if (!freed) {
            String device =
                    store.findVolume(name).flatMap(BlockStore.Volume::device).orElse("a device");
            status.message(
                    context,
                    volume,
                    "deletion deferred: the volume is attached at " + device
                            + "; its storage is freed after NodeUnstageVolume");
            LOG.info("deletion deferred volume={} device={}", name, device);
            return DeleteControl.noFinalizerRemoval().rescheduleAfter(settings.deferredDeleteRecheck());
        }
        preparations.forget(name);
        LOG.info("volume freed volume={}", name);
        return DeleteControl.defaultDelete();
    }

    private boolean exists(String name) {
        return store.findVolume(name).isPresent();
    }

    private boolean permanent(StoreException e, int attempt) {
        return switch (e.kind()) {
            case UNAVAILABLE -> false;
            case INTERNAL -> attempt > settings.internalRetries();
            default -> true;
        };
    }
}
