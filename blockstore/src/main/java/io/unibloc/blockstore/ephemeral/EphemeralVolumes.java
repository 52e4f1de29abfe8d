package io.unibloc.blockstore.ephemeral;

import io.unibloc.blockstore.chain.ChainBuilder;
import io.unibloc.blockstore.chain.ChainId;
import io.unibloc.blockstore.chain.ChainRepository;
import io.unibloc.blockstore.chain.Intents;
import io.unibloc.blockstore.host.LoopDevices;
import io.unibloc.blockstore.host.LoopDevices.FileId;
import io.unibloc.blockstore.lock.KeyedLocks;
import io.unibloc.blockstore.volumes.VolumeDirectory;
import io.unibloc.blockstore.volumes.VolumeIds;
import io.unibloc.blockstore.volumes.VolumeManager;
import io.unibloc.types.FsType;
import io.unibloc.types.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ephemeral volumes under {@code <data>/ephemeral/<id>/}: a record and, once attached, {@code chain.img}, a
 * hard link of the chain image attached as the volume's own read-only loop device. Every volume of one image
 * thus reads one inode and one page cache, where persistent clones (distinct inodes) each fill their own.
 * Creating one costs a record, not a clone; the guest's writes live in its VMM's overlay. Lock order as for
 * persistent volumes: the volume's lock, then the chain's. Created, published, deleted and swept through
 * {@link VolumeDirectory} as persistent volumes are, under the same per-id lock, so one id names one volume of
 * one kind and a crash mid-delete leaves a {@code .del-} leftover the sweep removes (with the link that pins the
 * chain image's blocks).
 */
public final class EphemeralVolumes {
    private static final Logger LOG = LoggerFactory.getLogger(EphemeralVolumes.class);
    private static final String LINK = "chain.img";

    private final VolumeDirectory dirs;
    private final Path root;
    private final ChainRepository chains;
    private final KeyedLocks locks;
    private final LoopDevices loops;

    public EphemeralVolumes(Path dataRoot, ChainRepository chains, KeyedLocks locks, LoopDevices loops) {
        this.dirs = new VolumeDirectory(dataRoot.toAbsolutePath().normalize().resolve("ephemeral"), locks);
        this.root = dirs.root();
        this.chains = chains;
        this.locks = locks;
        this.loops = loops;
    }

    /** What to create: the caller's request and the chain image it resolved to. */
    public record CreateRequest(
            String id, String requestedImage, String pinnedImage, FsType fsType, long sizeBytes, ChainId chain) {}

    public Optional<EphemeralRecord> find(String id) {
        return dirs.read(id, EphemeralRecord.class);
    }

    public List<EphemeralRecord> list() {
        return dirs.list(EphemeralRecord.class);
    }

    /**
     * The existing volume when it matches the request (same requested image, fs, size); empty when there is none;
     * ALREADY_EXISTS naming it when it does not match.
     */
    public Optional<EphemeralRecord> existing(String id, String requestedImage, FsType fsType, long sizeBytes) {
        Optional<EphemeralRecord> found = find(id);
        found.ifPresent(v -> {
            if (!(v.requestedImage().equals(requestedImage) || v.image().equals(requestedImage))
                    || !v.fsType().equals(fsType.id())
                    || v.requestedBytes() != sizeBytes) {
                throw StoreException.alreadyExists("ephemeral volume " + id + " exists with a different spec: image "
                        + v.requestedImage() + ", fs " + v.fsType() + ", size " + v.requestedBytes());
            }
        });
        return found;
    }

    /**
     * Creates the record unless a matching one exists (then returns it). ALREADY_EXISTS when the id is a
     * different ephemeral volume or a persistent one ({@code persistentExists}, asked under the volume's
     * lock); NOT_FOUND when the chain
     * is gone; INVALID_ARGUMENT for a bad id or negative size.
     */
    public EphemeralRecord create(CreateRequest request, Predicate<String> persistentExists) {
        String id = VolumeIds.validate(request.id());
        if (request.sizeBytes() < 0) {
            throw StoreException.invalid("volume " + id + ": size must not be negative, got " + request.sizeBytes());
        }
        try (KeyedLocks.Held ignored = locks.lock(VolumeManager.lockKey(id))) {
            if (persistentExists.test(id)) { // asked under the volume's lock, which persistent creates take too
                throw StoreException.alreadyExists(
                        "volume " + id + " exists as a persistent volume, not an ephemeral one");
            }
            Optional<EphemeralRecord> found =
                    existing(id, request.requestedImage(), request.fsType(), request.sizeBytes());
            if (found.isPresent()) {
                return found.get();
            }
            Path temp = null;
            try (KeyedLocks.Held chainLock = locks.lock(ChainBuilder.lockKey(request.chain()))) {
                if (!chains.exists(request.chain())) {
                    throw StoreException.notFound("volume " + id + ": chain " + request.chain() + " does not exist");
                }
                long imageBytes = Files.size(chains.image(request.chain()));
                EphemeralRecord record = new EphemeralRecord(
                        id,
                        request.requestedImage(),
                        request.pinnedImage(),
                        request.fsType().id(),
                        request.sizeBytes(),
                        imageBytes,
                        request.chain().value(),
                        System.currentTimeMillis());
                temp = dirs.newTemp(id);
                // the record is a GC root from here: the chain lock keeps GC away until it is visible
                dirs.publish(temp, id, record);
                chains.touch(request.chain());
                LOG.info(
                        "created ephemeral volume volume={} chain={}",
                        id,
                        request.chain().shortId());
                return record;
            } catch (IOException e) {
                throw StoreException.internal("creating ephemeral volume " + id + ": " + e.getMessage(), e);
            } finally {
                if (temp != null) {
                    Intents.deleteTree(temp);
                }
            }
        }
    }

    /** The volume's device while attached. */
    public Optional<String> device(String id) {
        return devicesOf(VolumeIds.validate(id)).stream().findFirst();
    }

    /**
     * The devices attached to the volume's link. Every link of one image is one inode, so the kernel's device and
     * inode alone cannot tell two volumes apart, and the backing path alone is the path as the attaching process
     * saw it: a node plugin restarted in another mount namespace would miss its devices (leak them on detach,
     * delete attached volumes). So a device is the volume's when its backing path is the link's, or when it ends
     * in {@code ephemeral/<id>/chain.img} and its backing file is the link's inode (the chain image's while the link is gone).
     */
    private List<String> devicesOf(String id) {
        Path link = root.resolve(id).resolve(LINK);
        String suffix = "/" + root.getFileName() + "/" + id + "/" + LINK;
        Optional<FileId> expected = LoopDevices.idOf(link)
                .or(() -> find(id).map(r -> chains.image(new ChainId(r.chainId())))
                        .flatMap(LoopDevices::idOf));
        List<String> devices = new ArrayList<>();
        for (LoopDevices.Attached l : loops.attached()) {
            boolean mine = l.backingPath().equals(link.toString())
                    || (l.backingPath().endsWith(suffix)
                            && l.backing().isPresent()
                            && l.backing().equals(expected));
            if (mine) {
                devices.add(l.device());
            }
        }
        return devices;
    }

    /**
     * Attaches the volume: a hard link of the chain image in the volume's directory, attached as a read-only
     * loop device without direct I/O, so that its reads fill (and hit) the chain image's own page cache.
     * Idempotent. NOT_FOUND for an unknown volume or a vanished chain.
     */
    public String attach(String id) {
        try (KeyedLocks.Held ignored = locks.lock(VolumeManager.lockKey(VolumeIds.validate(id)))) {
            EphemeralRecord record =
                    find(id).orElseThrow(() -> StoreException.notFound("ephemeral volume " + id + " does not exist"));
            ChainId chain = new ChainId(record.chainId());
            Path link = root.resolve(id).resolve(LINK);
            try (KeyedLocks.Held chainLock = locks.lock(ChainBuilder.lockKey(chain))) {
                Path image = chains.image(chain);
                if (!chains.exists(chain)) {
                    throw StoreException.notFound("ephemeral volume " + id + ": chain " + chain + " does not exist");
                }
                if (!Files.exists(link)) {
                    Files.createLink(link, image);
                } else if (!sameFile(link, image)) {
                    throw StoreException.internal(
                            "ephemeral volume " + id + ": " + link + " is not a link of chain image " + image, null);
                }
                Optional<String> attached = device(id);
                if (attached.isPresent()) {
                    return attached.get();
                }
                String device = loops.attach(link, true, false);
                chains.touch(chain);
                LOG.info("attached ephemeral volume volume={} device={} chain={}", id, device, chain.shortId());
                return device;
            } catch (IOException e) {
                throw StoreException.internal("attaching ephemeral volume " + id + ": " + e.getMessage(), e);
            }
        }
    }

    private static boolean sameFile(Path a, Path b) throws IOException {
        return Files.readAttributes(a, BasicFileAttributes.class)
                .fileKey()
                .equals(Files.readAttributes(b, BasicFileAttributes.class).fileKey());
    }

    /** Detaches the volume's device; nothing to do for an unknown or detached volume. */
    public void detach(String id) {
        try (KeyedLocks.Held ignored = locks.lock(VolumeManager.lockKey(VolumeIds.validate(id)))) {
            for (String device : devicesOf(id)) {
                loops.detach(device);
                LOG.info("detached ephemeral volume volume={} device={}", id, device);
            }
        }
    }

    /** Deletes the record; success when unknown; FAILED_PRECONDITION while attached. */
    public void delete(String id) {
        try (KeyedLocks.Held held = locks.lock(VolumeManager.lockKey(VolumeIds.validate(id)))) {
            Optional<String> device = device(id);
            if (device.isPresent()) {
                throw StoreException.precondition(
                        "ephemeral volume " + id + " is attached as " + device.get() + "; detach it first");
            }
            if (dirs.remove(id)) {
                LOG.info("deleted ephemeral volume volume={}", id);
            }
            // while still held: a waiter that opened this file sees it unlinked and locks a fresh one
            held.removeLockFile();
        } catch (IOException e) {
            throw StoreException.internal("deleting ephemeral volume " + id + ": " + e.getMessage(), e);
        }
    }

    /**
     * True for a device of a volume of this store whose record is gone: its backing path is under the store's
     * {@code ephemeral/} (as this process sees it, or as another mount namespace saw it, then confirmed by the
     * inode of the link still there).
     */
    private boolean ourVanished(LoopDevices.Attached l, Path backing) {
        Path dir = backing.getParent();
        if (dir == null || dir.getParent() == null || !LINK.equals(String.valueOf(backing.getFileName()))) {
            return false;
        }
        if (backing.startsWith(root)) {
            return !Files.exists(dir.resolve(VolumeDirectory.META));
        }
        String id = dir.getFileName().toString();
        if (!root.getFileName().equals(dir.getParent().getFileName()) || id.startsWith(".")) {
            return false;
        }
        Path ours = root.resolve(id).normalize();
        if (!root.equals(ours.getParent())) {
            return false;
        }
        Optional<FileId> link = LoopDevices.idOf(ours.resolve(LINK));
        return link.isPresent() && l.backing().equals(link) && !Files.exists(ours.resolve(VolumeDirectory.META));
    }

    /**
     * The links attached volumes read (and detached ones left behind): each is its chain image's inode, so the page
     * cache they hold is the chain image's. For accounting; a link that goes while the caller looks is its problem.
     */
    public List<Path> links() {
        List<Path> out = new ArrayList<>();
        for (EphemeralRecord r : list()) {
            Path link = root.resolve(r.id()).resolve(LINK);
            if (Files.exists(link)) {
                out.add(link);
            }
        }
        return out;
    }

    /**
     * Chains GC must keep: those of every ephemeral volume. Its link keeps the chain image's blocks
     * whatever happens to the chain's own name, so a chain with volumes is never counted as freed.
     */
    public Set<String> chainsInUse() {
        Set<String> inUse = new HashSet<>();
        list().forEach(r -> inUse.add(r.chainId()));
        return inUse;
    }

    /**
     * Heals what a crash left: devices of volumes whose record is gone (they are detached, as nothing can
     * reach them any more) and temporary directories whose creator is gone. Returns how many went.
     */
    public int sweep() {
        int swept = 0;
        for (LoopDevices.Attached l : loops.attached()) {
            Path backing = Path.of(l.backingPath());
            if (ourVanished(l, backing)) {
                LOG.info("detaching the device of a vanished ephemeral volume device={} link={}", l.device(), backing);
                loops.detach(l.device());
                swept++;
            }
        }
        // after the detaches above: a directory that lost its record is removed once no device reads its link
        // (by path: every link of one chain image is one inode, shared with the other volumes of that image)
        return swept
                + dirs.sweep(dir -> {
                    String suffix = "/" + root.getFileName() + "/" + dir.getFileName() + "/" + LINK;
                    return loops.attached().stream()
                            .noneMatch(a -> a.backingPath().endsWith(suffix));
                });
    }
}
