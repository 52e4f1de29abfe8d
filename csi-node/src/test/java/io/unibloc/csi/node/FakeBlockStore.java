package io.unibloc.csi.node;

import io.unibloc.blockstore.BlockStore;
import io.unibloc.registry.auth.RegistryCredentials;
import io.unibloc.registry.ref.Digest;
import io.unibloc.registry.ref.ImageReference;
import io.unibloc.types.FsType;
import io.unibloc.types.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An in-memory BlockStore for unit tests of the CSI surface and the reconciler: it follows the interface's
 * contract (idempotency, ALREADY_EXISTS, FAILED_PRECONDITION while attached) without touching the disk.
 * Devices are fake names. ITs use the real store.
 */
public final class FakeBlockStore implements BlockStore {
    public final Map<String, Volume> volumes = new ConcurrentHashMap<>();
    public final AtomicInteger creates = new AtomicInteger();
    public final AtomicInteger prepares = new AtomicInteger();
    /** Attachments that created a new device (not repeats). */
    public final AtomicInteger attaches = new AtomicInteger();

    private final AtomicInteger loops = new AtomicInteger();
    /** Lets a test fail or slow down createVolume: return an exception to throw, or null to proceed. */
    public volatile Function<VolumeSpec, StoreException> createHook = spec -> null;
    /** What {@link #backendInfo()} answers; a test sets the copy backend to see the node say so. */
    public volatile BackendInfo backend = new BackendInfo("fake", "test double", true);
    /** A failure to throw from deleteVolume for this id, or null to delete. */
    public volatile Function<String, StoreException> deleteHook = id -> null;

    /** Plays the engine's pull inside createVolume (after createHook): calls the given progress as a download would. */
    public volatile java.util.function.Consumer<Progress> pullHook = progress -> {};

    /** Runs inside attach before it takes effect, outside any lock of this fake: lets a test slow or block it. */
    public volatile Runnable attachHook = () -> {};
    /** How often two attaches of one volume were inside this store at once (NodeService's lock forbids it). */
    public final AtomicInteger overlaps = new AtomicInteger();

    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

    @Override
    public BackendInfo backendInfo() {
        return backend;
    }

    @Override
    public ImageReference pin(ImageReference reference, RegistryCredentials credentials) {
        return reference.digest() != null ? reference : reference.withDigest(Digest.sha256("cd".repeat(32)));
    }

    @Override
    public PreparedImage prepare(
            ImageReference reference, FsType fsType, RegistryCredentials credentials, Progress progress) {
        prepares.incrementAndGet();
        if (reference.repository().contains("missing")) {
            throw StoreException.notFound("image " + reference + " not found");
        }
        ImageReference pinned = pin(reference, credentials);
        return new PreparedImage(pinned, fsType, List.of("chain-1"), "chain-1", 16L << 20, false);
    }

    @Override
    public Volume createVolume(VolumeSpec spec, RegistryCredentials credentials, Progress progress) {
        StoreException failure = createHook.apply(spec);
        if (failure != null) {
            throw failure;
        }
        pullHook.accept(progress);
        creates.incrementAndGet();
        Volume existing = volumes.get(spec.id());
        if (existing != null) {
            if (existing.readOnly() != spec.readOnly() || existing.fsType() != spec.fsType()) {
                throw StoreException.alreadyExists("volume " + spec.id() + " exists with another spec");
            }
            return existing;
        }
        PreparedImage image = prepare(spec.image(), spec.fsType(), credentials, progress);
        Volume v = new Volume(
                spec.id(),
                image.pinned(),
                spec.fsType(),
                Math.max(spec.sizeBytes(), image.imageBytes()),
                spec.readOnly(),
                image.topChainId(),
                Optional.empty());
        volumes.put(spec.id(), v);
        return v;
    }

    @Override
    public Optional<Volume> findVolume(String volumeId) {
        return Optional.ofNullable(volumes.get(volumeId));
    }

    @Override
    public List<Volume> listVolumes() {
        return new ArrayList<>(volumes.values());
    }

    @Override
    public Attachment attach(String volumeId, AttachOptions options) {
        AtomicInteger here = inFlight.computeIfAbsent(volumeId, k -> new AtomicInteger());
        if (here.incrementAndGet() > 1) {
            overlaps.incrementAndGet();
        }
        try {
            attachHook.run();
            return attachNow(volumeId);
        } finally {
            here.decrementAndGet();
        }
    }

    private synchronized Attachment attachNow(String volumeId) {
        Volume v = volumes.get(volumeId);
        if (v == null) {
            throw StoreException.notFound("volume " + volumeId + " does not exist");
        }
        String device = v.device().orElseGet(() -> {
            attaches.incrementAndGet();
            return "/dev/fake-loop" + loops.incrementAndGet();
        });
        volumes.put(
                volumeId,
                new Volume(
                        v.id(), v.image(), v.fsType(), v.sizeBytes(), v.readOnly(), v.chainId(), Optional.of(device)));
        return new Attachment(volumeId, device, v.readOnly());
    }

    @Override
    public synchronized void detach(String volumeId) {
        Volume v = volumes.get(volumeId);
        if (v != null) {
            volumes.put(
                    volumeId,
                    new Volume(
                            v.id(), v.image(), v.fsType(), v.sizeBytes(), v.readOnly(), v.chainId(), Optional.empty()));
        }
    }

    @Override
    public synchronized void deleteVolume(String volumeId) {
        StoreException failure = deleteHook.apply(volumeId);
        if (failure != null) {
            throw failure;
        }
        Volume v = volumes.get(volumeId);
        if (v != null && v.device().isPresent()) {
            throw StoreException.precondition(
                    "volume " + volumeId + " is attached at " + v.device().get());
        }
        volumes.remove(volumeId);
    }

    @Override
    public VolumeStats volumeStats(String volumeId) {
        Volume v = findVolume(volumeId).orElseThrow(() -> StoreException.notFound("volume " + volumeId));
        return new VolumeStats(volumeId, v.sizeBytes(), 4096);
    }

    @Override
    public StoreUsage usage() {
        return new StoreUsage("fake", 10L << 30, 8L << 30, 1L << 30, 512L << 20, 100L << 20, 1, 2, volumes.size());
    }

    @Override
    public GcReport gc(GcPolicy policy) {
        return new GcReport(0, 0, 0, 0);
    }

    @Override
    public void close() {}
}
