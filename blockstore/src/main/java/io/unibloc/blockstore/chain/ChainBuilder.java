package io.unibloc.blockstore.chain;

import io.unibloc.blockstore.BlockStore;
import io.unibloc.blockstore.cow.CowBackend;
import io.unibloc.blockstore.fs.ExtImages;
import io.unibloc.blockstore.fs.Mounts;
import io.unibloc.blockstore.fs.OutOfSpace;
import io.unibloc.blockstore.fs.VfatImages;
import io.unibloc.blockstore.layers.LayerApplier;
import io.unibloc.blockstore.layers.LayerLimits;
import io.unibloc.blockstore.layers.LayerScanner;
import io.unibloc.blockstore.layers.LayerSummary;
import io.unibloc.blockstore.layers.LayerTree;
import io.unibloc.blockstore.lock.KeyedLocks;
import io.unibloc.blockstore.metrics.StoreMetrics;
import io.unibloc.registry.ref.Digest;
import io.unibloc.types.ErrorKind;
import io.unibloc.types.FsType;
import io.unibloc.types.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the chain images of an image, each once per node.
 *
 * <p>ext2/ext4: one image per layer prefix. The base is {@code mkfs -d} of the unpacked first layer; each
 * next chain is a clone of its parent, grown to fit, loop-mounted, the layer applied, unmounted. Images that
 * share base layers share those chain images and, through the clones, their blocks.
 *
 * <p>vfat and raw: one image for the whole image, from the merged tree of all layers. FAT has no owners,
 * modes or links to carry between layers, this kernel cannot mount it, and editing a FAT image in place
 * with mtools fragments it; rebuilding from the merged tree costs about as much as an apply and gives a
 * compact image. Raw images are the disk file the {@code io.unibloc.disk} label names, moved out as is.
 *
 * <p>Errors: INVALID_ARGUMENT for hostile or malformed layers and bad raw disk paths, RESOURCE_EXHAUSTED
 * naming the chain and layer when the image or the store runs out of space while building (in every case
 * the temporary image is deleted, nothing half-built remains), INTERNAL for tool failures. Idempotent and safe under
 * concurrent calls from threads and processes.
 */
public final class ChainBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(ChainBuilder.class);

    private final ChainRepository repository;
    private final KeyedLocks locks;
    private final Intents intents;
    private final CowBackend backend;
    private final LayerApplier applier;
    private final LayerScanner scanner;
    private final StoreMetrics metrics;

    public ChainBuilder(
            ChainRepository repository,
            KeyedLocks locks,
            Intents intents,
            CowBackend backend,
            LayerLimits limits,
            StoreMetrics metrics) {
        this.repository = repository;
        this.locks = locks;
        this.intents = intents;
        this.backend = backend;
        this.applier = new LayerApplier(limits);
        this.scanner = new LayerScanner(limits);
        this.metrics = metrics;
    }

    /** The outcome: every chain of the image, bottom first (the last is the one volumes clone). */
    public record Result(List<ChainId> chains, boolean cached) {
        public ChainId top() {
            return chains.get(chains.size() - 1);
        }
    }

    /** Lock key of a chain, shared with GC so that it never deletes a chain being built or cloned. */
    public static String lockKey(ChainId id) {
        return "chain-" + id.value();
    }

    public Result build(ChainRequest request, BlockStore.Progress progress) {
        return switch (request.fsType()) {
            case EXT4, EXT2 -> buildLayered(request, progress);
            case VFAT, RAW -> buildMerged(request, progress);
        };
    }

    private Result buildLayered(ChainRequest request, BlockStore.Progress progress) {
        List<ChainId> chains = new ArrayList<>();
        boolean cached = true;
        List<Digest> diffIds = request.diffIds();
        for (int i = 0; i < diffIds.size(); i++) {
            ChainId id = ChainId.of(diffIds.subList(0, i + 1), request.fsType(), "");
            ChainId parent = i == 0 ? null : chains.get(i - 1);
            int index = i;
            cached &= ensure(
                    id,
                    request,
                    index,
                    diffIds.size(),
                    progress,
                    temp -> {
                        if (parent == null) {
                            buildBase(request, id, temp);
                        } else {
                            buildNext(request, request.layers().get(index), id, parent, temp);
                        }
                    },
                    parent);
            chains.add(id);
        }
        return new Result(List.copyOf(chains), cached);
    }

    private Result buildMerged(ChainRequest request, BlockStore.Progress progress) {
        if (request.fsType() == FsType.RAW
                && (request.diskPath() == null || request.diskPath().isBlank())) {
            throw StoreException.invalid(
                    "fs type raw needs the image label io.unibloc.disk naming the disk image file");
        }
        ChainId id = ChainId.of(
                request.diffIds(),
                request.fsType(),
                request.fsType() == FsType.RAW ? request.diskPath() : "fat" + request.fatBits());
        int count = request.layers().size();
        boolean cached =
                ensure(id, request, count - 1, count, progress, temp -> buildFromMergedTree(request, id, temp), null);
        return new Result(List.of(id), cached);
    }

    /** The build step: fill {@code temp} (which does not exist yet) with the chain's image. */
    private interface Step {
        void build(Path temp) throws IOException;
    }

    /** Builds {@code id} unless it exists; true when it existed (a cache hit). */
    private boolean ensure(
            ChainId id,
            ChainRequest request,
            int index,
            int count,
            BlockStore.Progress progress,
            Step step,
            ChainId parent) {
        String fs = request.fsType().id();
        if (repository.exists(id)) {
            repository.touch(id);
            metrics.chainLookup(fs, true);
            return true;
        }
        try (KeyedLocks.Held ignored = locks.lock(lockKey(id))) {
            if (repository.exists(id)) {
                repository.touch(id); // another writer won while we waited
                metrics.chainLookup(fs, true);
                return true;
            }
            metrics.chainLookup(fs, false);
            progress.buildStarted(id.value(), index, count);
            long started = System.nanoTime();
            String name = id.shortId() + "-" + UUID.randomUUID();
            Path temp = repository.tmpDir().resolve(name + ".img");
            Path tree = repository.tmpDir().resolve(name + ".tree");
            Path mount = repository.tmpDir().resolve(name + ".mnt");
            Intents.Intent intent = intents.begin("build-chain", lockKey(id), List.of(temp, tree, mount), mount);
            boolean clean = false;
            try {
                step.build(temp);
                long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
                ChainRequest.Layer layer = request.layers().get(index);
                repository.commit(
                        temp,
                        id,
                        new ChainMeta(
                                id.value(),
                                fs,
                                parent == null ? null : parent.value(),
                                request.diffIds().subList(0, index + 1).stream()
                                        .map(Digest::toString)
                                        .toList(),
                                layer.source().digest().toString(),
                                Files.size(temp),
                                System.currentTimeMillis(),
                                millis));
                metrics.layerBuilt(
                        fs,
                        parent != null ? "next" : layeredFs(request) ? "base" : "merged",
                        Duration.ofMillis(millis));
                LOG.info(
                        "built chain chain={} fs={} layer={}/{} millis={}", id.shortId(), fs, index + 1, count, millis);
                progress.buildFinished(id.value(), millis);
                clean = true;
                return false;
            } catch (IOException e) {
                if (OutOfSpace.in(e)) {
                    throw outOfSpace(id, request, index, count, e);
                }
                throw StoreException.internal(
                        "building chain " + id + " (" + fs + ", layer " + (index + 1) + "/" + count + "): "
                                + e.getMessage(),
                        e);
            } catch (StoreException e) {
                if (e.kind() == ErrorKind.INTERNAL && OutOfSpace.in(e)) {
                    throw outOfSpace(id, request, index, count, e);
                }
                throw e;
            } finally {
                clean &= cleanUp(temp, tree, mount);
                if (clean || !Mounts.isMounted(mount)) {
                    intents.end(intent);
                }
            }
        }
    }

    /**
     * ENOSPC while building: the image (grown for the layer beforehand) or the store ran full. A resource
     * problem for the caller to see as such, not an internal error; the temporaries are gone by then.
     */
    private static StoreException outOfSpace(ChainId id, ChainRequest request, int index, int count, Exception e) {
        return StoreException.exhausted(
                "no space left building chain " + id + " (" + request.fsType().id() + ", layer " + (index + 1) + "/"
                        + count + " " + request.layers().get(index).source().digest() + "): " + e.getMessage());
    }

    private static boolean layeredFs(ChainRequest request) {
        return request.fsType() == FsType.EXT4 || request.fsType() == FsType.EXT2;
    }

    /** Removes a build's temporaries; a mount that would not go away is left for start-up healing. */
    private boolean cleanUp(Path temp, Path tree, Path mount) {
        if (Mounts.isMounted(mount)) {
            try {
                Mounts.unmount(mount);
            } catch (StoreException e) {
                LOG.warn("leaving a busy build mount for start-up healing mount={} reason={}", mount, e.getMessage());
                return false;
            }
        }
        Intents.deleteTree(temp);
        Intents.deleteTree(tree);
        Intents.deleteTree(mount);
        return true;
    }

    private void buildBase(ChainRequest request, ChainId id, Path temp) throws IOException {
        Path tree = Files.createDirectory(
                temp.resolveSibling(temp.getFileName().toString().replace(".img", ".tree")));
        long started = System.nanoTime();
        applier.apply(request.layers().get(0).source(), tree);
        long applied = System.nanoTime();
        ExtImages.createFromTree(request.fsType(), tree, temp, uuid(id));
        LOG.debug(
                "base chain chain={} applyMillis={} mkfsMillis={}",
                id.shortId(),
                (applied - started) / 1_000_000,
                (System.nanoTime() - applied) / 1_000_000);
    }

    private void buildNext(ChainRequest request, ChainRequest.Layer layer, ChainId id, ChainId parent, Path temp)
            throws IOException {
        LayerSummary summary = scanner.scan(layer.source());
        try (KeyedLocks.Held ignored = locks.lock(lockKey(parent))) {
            if (!repository.exists(parent)) {
                throw StoreException.unavailable(
                        "parent chain " + parent + " of " + id + " was evicted meanwhile; retry", null);
            }
            backend.cloneFile(repository.image(parent), temp);
        }
        Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        ExtImages.growFor(temp, summary.dataBytes(), summary.directories(), summary.entries());
        Path mount = Files.createDirectory(
                temp.resolveSibling(temp.getFileName().toString().replace(".img", ".mnt")));
        ExtImages.withMounted(request.fsType(), temp, mount, () -> applier.apply(layer.source(), mount));
    }

    private void buildFromMergedTree(ChainRequest request, ChainId id, Path temp) throws IOException {
        Path tree = Files.createDirectory(
                temp.resolveSibling(temp.getFileName().toString().replace(".img", ".tree")));
        for (ChainRequest.Layer layer : request.layers()) {
            applier.apply(layer.source(), tree);
        }
        if (request.fsType() == FsType.RAW) {
            Path disk = LayerTree.regularFile(tree, request.diskPath());
            Files.move(disk, temp, StandardCopyOption.ATOMIC_MOVE);
            return;
        }
        LayerTree.flattenForFat(tree).forEach(w -> LOG.warn("vfat cannot hold it chain={} {}", id.shortId(), w));
        VfatImages.createFromTree(tree, temp, request.fatBits(), id.value().substring(0, 8));
    }

    /** A stable filesystem UUID per chain, so a rebuild gives the same image. */
    private static String uuid(ChainId id) {
        String v = id.value();
        return v.substring(0, 8) + "-" + v.substring(8, 12) + "-" + v.substring(12, 16) + "-" + v.substring(16, 20)
                + "-" + v.substring(20, 32);
    }
}
