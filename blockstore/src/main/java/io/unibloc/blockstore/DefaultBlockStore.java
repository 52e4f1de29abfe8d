package io.unibloc.blockstore;

import io.unibloc.blockstore.cache.MincoreAccess;
import io.unibloc.blockstore.cache.PageCacheScan;
import io.unibloc.blockstore.cache.ResidentPages;
import io.unibloc.blockstore.chain.ChainBuilder;
import io.unibloc.blockstore.chain.ChainId;
import io.unibloc.blockstore.chain.ChainLeases;
import io.unibloc.blockstore.chain.ChainRepository;
import io.unibloc.blockstore.chain.ChainRequest;
import io.unibloc.blockstore.chain.Intents;
import io.unibloc.blockstore.content.ContentStore;
import io.unibloc.blockstore.cow.Backends;
import io.unibloc.blockstore.cow.CowBackend;
import io.unibloc.blockstore.cow.StoreSpace;
import io.unibloc.blockstore.ephemeral.EphemeralRecord;
import io.unibloc.blockstore.ephemeral.EphemeralVolumes;
import io.unibloc.blockstore.gc.GarbageCollector;
import io.unibloc.blockstore.host.LoopDevices;
import io.unibloc.blockstore.image.FetchedImage;
import io.unibloc.blockstore.image.ImageFetcher;
import io.unibloc.blockstore.image.Layer;
import io.unibloc.blockstore.layers.LayerSource;
import io.unibloc.blockstore.lock.KeyedLocks;
import io.unibloc.blockstore.metrics.StoreMetrics;
import io.unibloc.blockstore.volumes.VolumeIds;
import io.unibloc.blockstore.volumes.VolumeManager;
import io.unibloc.blockstore.volumes.VolumeRecord;
import io.unibloc.registry.auth.RegistryCredentials;
import io.unibloc.registry.ref.ImageReference;
import io.unibloc.types.ErrorKind;
import io.unibloc.types.FsType;
import io.unibloc.types.StoreException;
import io.unibloc.types.WriteMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine behind {@link BlockStore}: pulls through {@link ImageFetcher}, builds chain images with
 * {@link ChainBuilder}, clones and attaches volumes with {@link VolumeManager}, collects garbage with
 * {@link GarbageCollector}. Ephemeral volumes ({@link WriteMode#EPHEMERAL}) are {@link EphemeralVolumes}, behind the
 * same methods: callers never need this class beyond opening the store.
 *
 * <p>Open with {@link #open(StoreConfig)} (owns a content store at {@code <root>/content} and a fetcher) or
 * {@link #open(StoreConfig, ImageFetcher)} (shares the caller's fetcher, which the caller closes). Opening
 * sets up the copy-on-write backend (mounting the XFS file of {@code xfs-loop} if needed) and heals work a
 * crash interrupted. Layout: {@code <root>/content} blobs, {@code <root>/locks}, and under the backend's
 * data root {@code chains/}, {@code volumes/}, {@code ephemeral/}, {@code images/}, {@code intents/}, {@code tmp/}.
 */
public final class DefaultBlockStore implements BlockStore {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultBlockStore.class);
    private static final String DISK_LABEL = "io.unibloc.disk";
    /** Preparations a create makes before it gives up on a chain the collector keeps taking. */
    private static final int CREATE_ATTEMPTS = 3;

    private final StoreConfig config;
    private final ImageFetcher fetcher;
    private final boolean ownsFetcher;
    private final ContentStore content;
    private final CowBackend backend;
    private final BackendInfo backendInfo;
    private final ChainRepository chains;
    private final ChainBuilder builder;
    private final VolumeManager volumes;
    private final EphemeralVolumes ephemeral;
    private final GarbageCollector gc;
    private final PreparedImages prepared;
    private final StoreMetrics metrics;
    private final StoreSpace space;
    private final ChainLeases leases = new ChainLeases();
    private final PageCacheScan pageCache;

    private DefaultBlockStore(
            StoreConfig config, ImageFetcher fetcher, boolean ownsFetcher, MincoreAccess pageCacheAccess) {
        this.config = config;
        this.pageCache = new PageCacheScan(new ResidentPages(pageCacheAccess));
        this.fetcher = fetcher;
        this.ownsFetcher = ownsFetcher;
        this.content = fetcher.store();
        this.metrics = new StoreMetrics(config.meters());
        Backends.Chosen chosen = Backends.choose(config.root(), config.backend(), config.xfsLoopBytes());
        this.backend = chosen.backend();
        this.backendInfo = new BackendInfo(backend.name(), chosen.reason(), backend.sharesBlocks());
        metrics.backend(backend.name());
        Path dataRoot;
        try {
            dataRoot = backend.dataRoot().toRealPath();
        } catch (IOException e) {
            throw StoreException.internal(
                    "cannot resolve store data root " + backend.dataRoot() + ": " + e.getMessage(), e);
        }
        KeyedLocks locks = new KeyedLocks(config.root().resolve("locks"));
        this.space = new StoreSpace(backend, config.overprovisionRatio());
        Intents intents = new Intents(dataRoot);
        this.chains = new ChainRepository(dataRoot);
        this.builder = new ChainBuilder(chains, locks, intents, backend, config.layerLimits(), metrics);
        LoopDevices loops = new LoopDevices();
        this.volumes = new VolumeManager(dataRoot, backend, chains, locks, loops, space);
        this.ephemeral = new EphemeralVolumes(dataRoot, chains, locks, loops);
        this.gc = new GarbageCollector(
                chains, volumes, content, locks, intents, ephemeral::chainsInUse, leases::keepUsedSince);
        this.prepared = new PreparedImages(dataRoot.resolve("images"));
        int healed = gc.sweep() + ephemeral.sweep();
        LOG.info("block store open root={} backend={} healed={}", config.root(), backend.name(), healed);
    }

    /** Opens the store with its own content store ({@code <root>/content}) and fetcher. */
    public static DefaultBlockStore open(StoreConfig config) {
        return open(config, MincoreAccess.ofThisProcess());
    }

    /**
     * A store whose page cache is counted as {@code pageCacheAccess} may see it: a test stands in a caller that
     * neither owns nor may write the store's files, and sees the figure reported as unknown.
     */
    public static DefaultBlockStore open(StoreConfig config, MincoreAccess pageCacheAccess) {
        ImageFetcher fetcher =
                new ImageFetcher(new ContentStore(config.contentDir()), config.registry(), config.meters());
        try {
            return new DefaultBlockStore(config, fetcher, true, pageCacheAccess);
        } catch (RuntimeException e) {
            fetcher.close();
            throw e;
        }
    }

    /** Opens the store around the caller's fetcher (and its content store); the caller closes the fetcher. */
    public static DefaultBlockStore open(StoreConfig config, ImageFetcher fetcher) {
        return new DefaultBlockStore(config, fetcher, false, MincoreAccess.ofThisProcess());
    }

    /** The copy-on-write backend in use: {@code reflink}, {@code xfs-loop} or {@code copy}. */
    public String backend() {
        return backend.name();
    }

    @Override
    public BackendInfo backendInfo() {
        return backendInfo;
    }

    public StoreConfig config() {
        return config;
    }

    @Override
    public ImageReference pin(ImageReference reference, RegistryCredentials credentials) {
        return fetcher.pin(reference, credentials);
    }

    @Override
    public PreparedImage prepare(
            ImageReference reference, FsType fsType, RegistryCredentials credentials, Progress progress) {
        FsType fs = fsType == null ? FsType.EXT4 : fsType;
        ImageReference pinned = reference.digest() != null ? reference : fetcher.pin(reference, credentials);
        String key = PreparedImages.key(
                pinned, fs, config.fatBits(), config.platform().toString());
        Optional<PreparedImage> known = prepared.find(key).filter(p -> allExist(p.chainIds()));
        if (known.isPresent() && touched(known.get().chainIds())) {
            metrics.chainLookup(fs.id(), true);
            return known.get();
        }
        FetchedImage image = fetcher.fetch(pinned, config.platform(), credentials, progress);
        List<ChainRequest.Layer> layers = new ArrayList<>();
        for (Layer layer : image.layers()) {
            Path blob = content.find(layer.digest())
                    .orElseThrow(() -> StoreException.notFound(
                            "image " + pinned + ": layer " + layer.digest() + " is missing from the content store"));
            layers.add(new ChainRequest.Layer(
                    layer.diffId(), new LayerSource(layer.digest(), layer.mediaType(), layer.size(), blob)));
        }
        if (layers.isEmpty()) {
            throw StoreException.invalid("image " + pinned + " has no layers to build a filesystem from");
        }
        String diskPath = image.config().labels().get(DISK_LABEL);
        ChainBuilder.Result result;
        try {
            result = builder.build(new ChainRequest(layers, fs, diskPath, config.fatBits()), progress);
        } catch (StoreException e) {
            throw new StoreException(e.kind(), "image " + pinned + " (" + fs.id() + "): " + e.getMessage(), e);
        }
        long bytes = size(chains.image(result.top()));
        PreparedImage done = new PreparedImage(
                pinned,
                fs,
                result.chains().stream().map(ChainId::value).toList(),
                result.top().value(),
                bytes,
                result.cached());
        prepared.save(key, done);
        return done;
    }

    /** Records the use of every chain; false when one was collected meanwhile (the image is built again). */
    private boolean touched(List<String> ids) {
        try {
            ids.forEach(id -> chains.touch(new ChainId(id)));
            return true;
        } catch (StoreException e) {
            if (e.kind() == ErrorKind.NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    private boolean allExist(List<String> ids) {
        return ids.stream().allMatch(id -> ChainId.isValid(id) && chains.exists(new ChainId(id)));
    }

    @Override
    public Volume createVolume(VolumeSpec spec, RegistryCredentials credentials, Progress progress) {
        boolean shared = spec.writeMode() == WriteMode.EPHEMERAL;
        return timed(shared ? "create-ephemeral" : "create", () -> {
            String id = VolumeIds.validate(spec.id());
            FsType fs = spec.fsType() == null ? FsType.EXT4 : spec.fsType();
            if (spec.image() == null) {
                throw StoreException.invalid("volume " + id + ": image is missing");
            }
            String requested = spec.image().toString();
            // Fast answers for a repeat; the authoritative checks run again under the volume's lock.
            if (shared) {
                Optional<EphemeralRecord> found = ephemeral.existing(id, requested, fs, spec.sizeBytes());
                if (found.isPresent()) {
                    return toVolume(found.get(), ephemeral.device(id));
                }
            } else {
                Optional<VolumeRecord> found = volumes.existing(id, requested, fs, spec.sizeBytes(), spec.readOnly());
                if (found.isPresent()) {
                    return toVolume(found.get(), volumes.device(id));
                }
            }
            for (int attempt = 1; attempt <= CREATE_ATTEMPTS; attempt++) {
                ChainId top = null;
                // leased before preparing: the collector keeps what this prepares until the clone
                try (ChainLeases.Lease lease = leases.begin()) {
                    PreparedImage image = prepare(spec.image(), fs, credentials, progress);
                    top = new ChainId(image.topChainId());
                    return shared ? createEphemeral(id, spec, fs, image) : createPersistent(id, spec, fs, image);
                } catch (StoreException e) {
                    if (e.kind() != ErrorKind.NOT_FOUND || top == null || chains.exists(top)) {
                        throw e;
                    }
                    LOG.info(
                            "chain collected between preparation and clone, preparing again volume={} chain={}"
                                    + " attempt={}",
                            id,
                            top.shortId(),
                            attempt);
                }
            }
            throw StoreException.unavailable(
                    "volume " + id + ": the chain of " + spec.image() + " was collected between preparation and clone "
                            + CREATE_ATTEMPTS + " times; try again",
                    null);
        });
    }

    private Volume createPersistent(String id, VolumeSpec spec, FsType fs, PreparedImage image) {
        VolumeRecord record = volumes.create(
                new VolumeManager.CreateRequest(
                        id,
                        spec.image().toString(),
                        image.pinned().toString(),
                        fs,
                        spec.sizeBytes(),
                        spec.limitBytes(),
                        spec.readOnly(),
                        new ChainId(image.topChainId())),
                other -> ephemeral.find(other).isPresent());
        return toVolume(record, Optional.empty());
    }

    private Volume createEphemeral(String id, VolumeSpec spec, FsType fs, PreparedImage image) {
        EphemeralRecord record = ephemeral.create(
                new EphemeralVolumes.CreateRequest(
                        id,
                        spec.image().toString(),
                        image.pinned().toString(),
                        fs,
                        spec.sizeBytes(),
                        new ChainId(image.topChainId())),
                other -> volumes.find(other).isPresent());
        return toVolume(record, Optional.empty());
    }

    @Override
    public Optional<Volume> findVolume(String volumeId) {
        return volumes.find(volumeId)
                .map(v -> toVolume(v, volumes.device(volumeId)))
                .or(() -> ephemeral.find(volumeId).map(r -> toVolume(r, ephemeral.device(volumeId))));
    }

    @Override
    public List<Volume> listVolumes() {
        Map<String, String> devices = volumes.devices();
        List<Volume> all = new ArrayList<>();
        volumes.list().forEach(v -> all.add(toVolume(v, Optional.ofNullable(devices.get(v.id())))));
        ephemeral.list().forEach(r -> all.add(toVolume(r, ephemeral.device(r.id()))));
        all.sort(Comparator.comparing(Volume::id));
        return all;
    }

    @Override
    public Attachment attach(String volumeId, AttachOptions options) {
        return timed("attach", () -> {
            if (volumes.find(volumeId).isEmpty() && ephemeral.find(volumeId).isPresent()) {
                return new Attachment(volumeId, ephemeral.attach(volumeId), true);
            }
            String device = volumes.attach(volumeId, options != null && options.directIo());
            boolean readOnly =
                    volumes.find(volumeId).map(VolumeRecord::readOnly).orElse(false);
            return new Attachment(volumeId, device, readOnly);
        });
    }

    @Override
    public void detach(String volumeId) {
        timed("detach", () -> {
            volumes.detach(volumeId);
            ephemeral.detach(volumeId);
            return null;
        });
    }

    @Override
    public void deleteVolume(String volumeId) {
        timed("delete", () -> {
            volumes.delete(volumeId);
            ephemeral.delete(volumeId);
            return null;
        });
    }

    @Override
    public VolumeStats volumeStats(String volumeId) {
        if (volumes.find(volumeId).isEmpty()) {
            Optional<EphemeralRecord> shared = ephemeral.find(volumeId);
            if (shared.isPresent()) {
                // an ephemeral volume owns no blocks: its device is the shared chain image, read-only
                return new VolumeStats(volumeId, shared.get().imageBytes(), 0);
            }
        }
        long[] sizes = volumes.sizes(volumeId);
        return new VolumeStats(volumeId, sizes[0], sizes[1]);
    }

    @Override
    public StoreUsage usage() {
        return new UsageReport(chains, volumes, ephemeral, content, backend, space, pageCache)
                .compute(metrics, prepared.count());
    }

    @Override
    public GcReport gc(GcPolicy policy) {
        GcPolicy effective = policy == null ? new GcPolicy(config.gcBudgetBytes(), true) : policy;
        int healed = effective.sweepOrphans() ? ephemeral.sweep() : 0;
        GcReport report = gc.collect(effective);
        return new GcReport(
                report.chainsRemoved(), report.blobsRemoved(), report.bytesFreed(), report.orphansSwept() + healed);
    }

    @Override
    public void close() {
        try {
            backend.close();
        } finally {
            if (ownsFetcher) {
                fetcher.close();
            }
        }
    }

    private Volume toVolume(VolumeRecord record, Optional<String> device) {
        return new Volume(
                record.id(),
                ImageReference.parse(record.image()),
                FsType.parse(record.fsType()),
                record.sizeBytes(),
                record.readOnly(),
                record.chainId(),
                device);
    }

    /** An ephemeral volume as callers see it: the overlay's size, a read-only device. */
    private Volume toVolume(EphemeralRecord record, Optional<String> device) {
        return new Volume(
                record.id(),
                ImageReference.parse(record.image()),
                FsType.parse(record.fsType()),
                record.overlayBytes(),
                true,
                record.chainId(),
                device,
                WriteMode.EPHEMERAL);
    }

    private <T> T timed(String op, Supplier<T> work) {
        long started = System.nanoTime();
        boolean ok = false;
        try {
            T result = work.get();
            ok = true;
            return result;
        } finally {
            metrics.volumeOp(op, ok, Duration.ofNanos(System.nanoTime() - started));
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw StoreException.internal("cannot stat " + file + ": " + e.getMessage(), e);
        }
    }
}
