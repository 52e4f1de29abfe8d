package io.unibloc.csi.node.reconcile;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.unibloc.api.v1alpha1.BlockVolume;
import io.unibloc.api.v1alpha1.BlockVolumePhase;
import io.unibloc.api.v1alpha1.BlockVolumeSpec;
import io.unibloc.blockstore.BlockStore;
import io.unibloc.csi.node.volume.VolumeLocks;
import io.unibloc.csi.node.volume.VolumeRecords;
import io.unibloc.registry.RegistryException;
import io.unibloc.registry.auth.RegistryCredentials;
import io.unibloc.registry.ref.ImageReference;
import io.unibloc.types.ErrorKind;
import io.unibloc.types.FsType;
import io.unibloc.types.StoreException;
import io.unibloc.types.WriteMode;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Materialises the BlockVolumes of this node (label {@link BlockVolume#NODE_LABEL}) in the block store.
 * Pending/Preparing records are built through {@link BlockStore#createVolume} (idempotent and crash-safe,
 * so a restart mid-preparation simply runs it again) and become Ready with timings, or Failed with the
 * store's error kind when the failure is permanent; transient failures stay Preparing and retry with
 * back-off. A deleted record's storage is freed and its finalizer dropped, but never while the volume is
 * attached: then the deletion is deferred until NodeUnstageVolume. Clones that no record owns are swept
 * at start-up and periodically. An ephemeral record ({@code writeMode: ephemeral}) becomes an ephemeral volume of
 * the store: no clone, a read-only device of the shared chain image once staged.
 */
public final class BlockVolumeReconciler implements VolumeRecords, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BlockVolumeReconciler.class);

    /** Tunables; {@link #defaults()} is what production uses. */
    public record Settings(
            int workers,
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

    private final KubernetesClient client;
    private final BlockStore store;
    private final String node;
    private final VolumeLocks locks;
    private final VolumeCredentials secrets;
    private final Settings settings;
    private final StatusWriter status;
    private final MeterRegistry meters;
    private final KeyedWorkQueue queue;
    private final OrphanSweeper sweeper;
    private final ConcurrentHashMap<String, Integer> attempts = new ConcurrentHashMap<>();
    /** Consecutive failed reconciles per record (API server errors and the like), for their back-off. */
    private final ConcurrentHashMap<String, Integer> failures = new ConcurrentHashMap<>();

    private volatile SharedIndexInformer<BlockVolume> informer;

    public BlockVolumeReconciler(
            KubernetesClient client,
            BlockStore store,
            String node,
            VolumeLocks locks,
            Clock clock,
            MeterRegistry meters,
            Settings settings) {
        this.client = client;
        this.store = store;
        this.node = node;
        this.locks = locks;
        this.secrets = new VolumeCredentials(client);
        this.settings = settings;
        this.status = new StatusWriter(client, clock);
        this.meters = meters;
        this.queue = new KeyedWorkQueue("blockvolume", settings.workers(), this::reconcile);
        this.sweeper = new OrphanSweeper(client, store, node, locks, settings.cacheBudgetBytes());
    }

    /** Starts the informer (blocking until the first list is in), sweeps once, then keeps sweeping periodically. */
    public void start() {
        informer = client.resources(BlockVolume.class)
                .withLabel(BlockVolume.NODE_LABEL, node)
                .inform(
                        new ResourceEventHandler<>() {
                            @Override
                            public void onAdd(BlockVolume v) {
                                queue.enqueue(v.getMetadata().getName());
                            }

                            @Override
                            public void onUpdate(BlockVolume old, BlockVolume v) {
                                if (!onlyStatusChanged(old, v)) {
                                    queue.enqueue(v.getMetadata().getName());
                                }
                            }

                            @Override
                            public void onDelete(BlockVolume v, boolean unknownFinalState) {
                                queue.enqueue(v.getMetadata().getName());
                            }
                        },
                        settings.resync().toMillis());
        sweepNow();
        queue.every(settings.sweepEvery(), settings.sweepEvery(), this::sweepNow);
        LOG.info(
                "reconciling BlockVolumes node={} records={}",
                node,
                informer.getStore().list().size());
    }

    /**
     * True for an update that changed only the status, which this reconciler writes itself: reacting to those
     * would turn every "retrying in Ns" message into an immediate retry. Resyncs (same resource version) and
     * changes to spec, labels, finalizers or deletion still count.
     */
    static boolean onlyStatusChanged(BlockVolume old, BlockVolume now) {
        ObjectMeta a = old.getMetadata();
        ObjectMeta b = now.getMetadata();
        return !Objects.equals(a.getResourceVersion(), b.getResourceVersion())
                && Objects.equals(a.getDeletionTimestamp(), b.getDeletionTimestamp())
                && Objects.equals(a.getFinalizers(), b.getFinalizers())
                && Objects.equals(a.getLabels(), b.getLabels())
                && Serialization.asJson(old.getSpec()).equals(Serialization.asJson(now.getSpec()));
    }

    public boolean synced() {
        return informer != null && informer.hasSynced();
    }

    /** Asks for a prompt look at {@code name} (after NodeUnstageVolume frees a volume whose deletion was deferred). */
    public void nudge(String name) {
        queue.enqueue(name);
    }

    /** Sweeps orphans now (also what start-up and the timer run); returns how many volumes were freed. */
    public int sweepNow() {
        if (!synced()) {
            return 0;
        }
        return sweeper.sweep(informer.getStore().listKeys());
    }

    @Override
    public Optional<BlockVolume> get(String name) {
        if (informer != null) {
            BlockVolume cached = informer.getStore().getByKey(name);
            if (cached != null) {
                return Optional.of(cached);
            }
        }
        return Optional.ofNullable(
                client.resources(BlockVolume.class).withName(name).get());
    }

    @Override
    public Optional<BlockVolume> fresh(String name) {
        return Optional.ofNullable(
                client.resources(BlockVolume.class).withName(name).get());
    }

    void reconcile(String name) {
        BlockVolume volume;
        try {
            volume = client.resources(BlockVolume.class).withName(name).get();
        } catch (KubernetesClientException e) {
            retryLater(name, "cannot read the record: " + e.getMessage());
            return;
        }
        try {
            if (volume == null) {
                sweeper.freeIfUnowned(name);
            } else if (!node.equals(volume.getSpec().getNode())) {
                LOG.debug(
                        "ignoring volume={} of node={}", name, volume.getSpec().getNode());
            } else if (volume.getMetadata().getDeletionTimestamp() != null) {
                finalizeDeletion(volume);
            } else {
                BlockVolumePhase phase =
                        volume.getStatus() == null ? null : volume.getStatus().getPhase();
                if (phase == BlockVolumePhase.Failed || (phase == BlockVolumePhase.Ready && exists(name))) {
                    return;
                }
                prepare(volume, phase);
            }
            failures.remove(name);
        } catch (KubernetesClientException e) {
            retryLater(name, "API server: " + e.getMessage());
        } catch (RuntimeException e) {
            // Anything else (a store error while freeing, a bug): retried too, never dropped on the floor.
            retryLater(name, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private boolean exists(String name) {
        return store.findVolume(name).isPresent();
    }

    private void prepare(BlockVolume volume, BlockVolumePhase phase) {
        String name = volume.getMetadata().getName();
        BlockVolumeSpec spec = volume.getSpec();
        if (!volume.getMetadata().getFinalizers().contains(BlockVolume.STORAGE_FINALIZER)) {
            client.resources(BlockVolume.class).withName(name).edit(v -> {
                v.getMetadata().getFinalizers().add(BlockVolume.STORAGE_FINALIZER);
                return v;
            });
        }
        if (phase != BlockVolumePhase.Preparing) {
            status.phase(
                    name,
                    BlockVolumePhase.Preparing,
                    null,
                    "preparing image " + spec.getImage(),
                    s -> s.setPreparingSince(status.now()));
        }
        PreparationTimer timer = new PreparationTimer();
        Timer.Sample sample = Timer.start(meters);
        try {
            RegistryCredentials credentials = secrets.read(spec);
            BlockStore.VolumeSpec volumeSpec = new BlockStore.VolumeSpec(
                    name,
                    image(spec.getImage()),
                    FsType.parse(spec.getFsType()),
                    spec.getSizeBytes(),
                    spec.getLimitBytes(),
                    spec.isReadOnly(),
                    WriteMode.parse(spec.getWriteMode()));
            LOG.info(
                    "preparing volume={} image={} fsType={} sizeBytes={}",
                    name,
                    spec.getImage(),
                    spec.getFsType(),
                    spec.getSizeBytes());
            // No volume lock here: preparing may take minutes and must not block NodeStage of the same id (which
            // answers
            // UNAVAILABLE meanwhile); the store makes concurrent createVolume calls safe, the work queue serialises
            // deletion.
            BlockStore.Volume created = store.createVolume(volumeSpec, credentials, timer);
            var timings = timer.timings();
            status.phase(name, BlockVolumePhase.Ready, null, "ready", s -> {
                s.setSizeBytes(created.sizeBytes());
                s.setChainId(created.chainId());
                s.setReadyAt(status.now());
                s.setTimings(timings);
            });
            attempts.remove(name);
            sample.stop(meters.timer("unibloc.csi.node.preparation", "result", "ready"));
            LOG.info(
                    "volume ready volume={} chain={} sizeBytes={} totalMs={} pullMs={} buildMs={} cached={}",
                    name,
                    created.chainId(),
                    created.sizeBytes(),
                    timings.getTotalMillis(),
                    timings.getPullMillis(),
                    timings.getBuildMillis(),
                    timings.getCached());
        } catch (StoreException e) {
            int attempt = attempts.merge(name, 1, Integer::sum);
            if (permanent(e, attempt)) {
                attempts.remove(name);
                sample.stop(meters.timer("unibloc.csi.node.preparation", "result", "failed"));
                status.phase(name, BlockVolumePhase.Failed, FailureReasons.of(e.kind()), e.getMessage(), s -> {});
                LOG.warn("volume failed volume={} kind={} message={}", name, e.kind(), e.getMessage());
            } else {
                sample.stop(meters.timer("unibloc.csi.node.preparation", "result", "retry"));
                Duration delay = backoff(attempt);
                status.message(
                        name,
                        "attempt " + attempt + " failed, retrying in " + delay.toSeconds() + "s: " + e.getMessage());
                queue.enqueueAfter(name, delay);
                LOG.info(
                        "volume preparation will retry volume={} attempt={} delayS={} message={}",
                        name,
                        attempt,
                        delay.toSeconds(),
                        e.getMessage());
            }
        }
    }

    /** The spec's image; a malformed one is the engine's INVALID_ARGUMENT, a permanent failure like any other. */
    private static ImageReference image(String text) {
        try {
            return ImageReference.parse(text);
        } catch (RegistryException e) {
            throw e.toStoreException();
        }
    }

    private void finalizeDeletion(BlockVolume volume) {
        String name = volume.getMetadata().getName();
        if (!volume.getMetadata().getFinalizers().contains(BlockVolume.STORAGE_FINALIZER)) {
            return;
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
                    name,
                    "deletion deferred: the volume is attached at " + device
                            + "; its storage is freed after NodeUnstageVolume");
            queue.enqueueAfter(name, settings.deferredDeleteRecheck());
            LOG.info("deletion deferred volume={} device={}", name, device);
            return;
        }
        client.resources(BlockVolume.class).withName(name).edit(v -> {
            v.getMetadata().getFinalizers().remove(BlockVolume.STORAGE_FINALIZER);
            return v;
        });
        attempts.remove(name);
        LOG.info("volume freed volume={}", name);
    }

    private boolean permanent(StoreException e, int attempt) {
        return switch (e.kind()) {
            case UNAVAILABLE -> false;
            case INTERNAL -> attempt > settings.internalRetries();
            default -> true;
        };
    }

    private Duration backoff(int attempt) {
        long millis = settings.retryBase().toMillis() << Math.min(attempt - 1, 16);
        return Duration.ofMillis(Math.min(millis, settings.retryMax().toMillis()));
    }

    /** Capped exponential back-off per record; the attempts never stop (a success resets the count). */
    private void retryLater(String name, String why) {
        int attempt = failures.merge(name, 1, Integer::sum);
        Duration delay = backoff(attempt);
        LOG.warn(
                "reconcile will retry volume={} attempt={} delayMs={} reason={}", name, attempt, delay.toMillis(), why);
        queue.enqueueAfter(name, delay);
    }

    @Override
    public void close() {
        if (informer != null) {
            informer.close();
        }
        queue.close();
    }
}
