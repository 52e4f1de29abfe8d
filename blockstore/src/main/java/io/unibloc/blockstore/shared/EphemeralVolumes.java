package io.unibloc.blockstore.shared;

import io.unibloc.blockstore.FsType;
import io.unibloc.blockstore.StoreException;
import io.unibloc.blockstore.chain.ChainBuilder;
import io.unibloc.blockstore.chain.ChainId;
import io.unibloc.blockstore.chain.ChainRepository;
import io.unibloc.blockstore.chain.Intents;
import io.unibloc.blockstore.chain.KeyedLocks;
import io.unibloc.blockstore.fs.AtomicFiles;
import io.unibloc.blockstore.fs.Exec;
import io.unibloc.blockstore.shared.LoopTable.Loop;
import io.unibloc.blockstore.volumes.LoopDevices;
import io.unibloc.blockstore.volumes.LoopDevices.FileId;
import io.unibloc.blockstore.volumes.VolumeIds;
import io.unibloc.blockstore.volumes.VolumeManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ephemeral volumes under {@code <data>/ephemeral/<id>/}: a record and, once attached, {@code chain.img}, a
 * hard link of the chain image attached as the volume's own read-only loop device. Every volume of one image
 * thus reads one inode and one page cache, where persistent clones (distinct inodes) each fill their own.
 * Creating one costs a record, not a clone; the guest's writes live in its VMM's overlay. Lock order as for
 * persistent volumes: the volume's lock, then the chain's.
 */
public final class EphemeralVolumes {
    private static final Logger LOG = LoggerFactory.getLogger(EphemeralVolumes.class);
    private static final String META = "volume.json";
    private static final String LINK = "chain.img";
    /** "-" and a random UUID, after the id in a temporary directory's name. */
    private static final int UUID_SUFFIX = 37;

    private final Path root;
    private final ChainRepository chains;
    private final KeyedLocks locks;
    private final LoopTable table;

    public EphemeralVolumes(Path dataRoot, ChainRepository chains, KeyedLocks locks) {
        this(dataRoot, chains, locks, new LoopTable());
    }

    EphemeralVolumes(Path dataRoot, ChainRepository chains, KeyedLocks locks, LoopTable table) {
        this.root = dataRoot.toAbsolutePath().normalize().resolve("ephemeral");
        this.chains = chains;
        this.locks = locks;
        this.table = table;
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw StoreException.internal("cannot create " + root + ": " + e.getMessage(), e);
        }
    }

    /** What to create: the caller's request and the chain image it resolved to. */
    public record CreateRequest(
            String id, String requestedImage, String pinnedImage, FsType fsType, long sizeBytes, ChainId chain) {}

    public Optional<EphemeralRecord> find(String id) {
        return AtomicFiles.readJson(root.resolve(VolumeIds.validate(id)).resolve(META), EphemeralRecord.class);
    }

    public List<EphemeralRecord> list() {
        List<EphemeralRecord> records = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.sorted().toList()) {
                if (!dir.getFileName().toString().startsWith(AtomicFiles.TEMP_PREFIX)) {
                    AtomicFiles.readJson(dir.resolve(META), EphemeralRecord.class)
                            .ifPresent(records::add);
                }
            }
        } catch (IOException e) {
            throw StoreException.internal("cannot list " + root + ": " + e.getMessage(), e);
        }
        return records;
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
            Optional<EphemeralRecord> found = find(id);
            if (found.isPresent()) {
                EphemeralRecord v = found.get();
                if (!(v.requestedImage().equals(request.requestedImage())
                                || v.image().equals(request.requestedImage()))
                        || !v.fsType().equals(request.fsType().id())
                        || v.requestedBytes() != request.sizeBytes()) {
                    throw StoreException.alreadyExists(
                            "ephemeral volume " + id + " exists with a different spec: image " + v.requestedImage()
                                    + ", fs " + v.fsType() + ", size " + v.requestedBytes());
                }
                return v;
            }
            Path temp = root.resolve(AtomicFiles.TEMP_PREFIX + id + "-" + UUID.randomUUID());
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
                Files.createDirectory(temp);
                AtomicFiles.writeJsonInPlace(temp.resolve(META), record);
                AtomicFiles.fsyncDirectory(temp);
                // the record is a GC root from here: the chain lock keeps GC away until it is visible
                Files.move(temp, root.resolve(id), StandardCopyOption.ATOMIC_MOVE);
                AtomicFiles.fsyncDirectory(root);
                chains.touch(request.chain());
                LOG.info(
                        "created ephemeral volume volume={} chain={}",
                        id,
                        request.chain().shortId());
                return record;
            } catch (IOException e) {
                throw StoreException.internal("creating ephemeral volume " + id + ": " + e.getMessage(), e);
            } finally {
                Intents.deleteTree(temp);
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
        for (Loop l : table.read()) {
            boolean mine = l.backingFile().equals(link.toString())
                    || (l.backingFile().endsWith(suffix)
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
    public SharedAttachment attach(String id) {
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
                    return new SharedAttachment(id, attached.get(), chain.value(), record.overlayBytes());
                }
                Exec.Result result = Exec.run(List.of("losetup", "--find", "--show", "--read-only", link.toString()));
                if (!result.ok()) {
                    throw StoreException.unavailable(
                            "ephemeral volume " + id + ": cannot attach " + link + ": " + result.output(), null);
                }
                String device = result.stdout().strip();
                chains.touch(chain);
                LOG.info("attached ephemeral volume volume={} device={} chain={}", id, device, chain.shortId());
                return new SharedAttachment(id, device, chain.value(), record.overlayBytes());
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
                detachLoop(device);
                LOG.info("detached ephemeral volume volume={} device={}", id, device);
            }
        }
    }

    private static void detachLoop(String device) {
        Exec.Result result = Exec.run(List.of("losetup", "--detach", device));
        if (!result.ok() && !result.output().contains("No such device")) {
            throw StoreException.internal("cannot detach " + device + ": " + result.output(), null);
        }
    }

    /** Deletes the record; success when unknown; FAILED_PRECONDITION while attached. */
    public void delete(String id) {
        try (KeyedLocks.Held held = locks.lock(VolumeManager.lockKey(VolumeIds.validate(id)))) {
            Path dir = root.resolve(id);
            Optional<String> device = device(id);
            if (device.isPresent()) {
                throw StoreException.precondition(
                        "ephemeral volume " + id + " is attached as " + device.get() + "; detach it first");
            }
            if (Files.exists(dir)) {
                Intents.deleteTree(dir);
                AtomicFiles.fsyncDirectory(root);
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
    private boolean ourVanished(Loop l, Path backing) {
        Path dir = backing.getParent();
        if (dir == null || dir.getParent() == null || !LINK.equals(String.valueOf(backing.getFileName()))) {
            return false;
        }
        if (backing.startsWith(root)) {
            return !Files.exists(dir.resolve(META));
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
        return link.isPresent() && l.backing().equals(link) && !Files.exists(ours.resolve(META));
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
        for (Loop l : table.read()) {
            Path backing = Path.of(l.backingFile());
            if (ourVanished(l, backing)) {
                LOG.info("detaching the device of a vanished ephemeral volume device={} link={}", l.device(), backing);
                detachLoop(l.device());
                swept++;
            }
        }
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.filter(p -> p.getFileName().toString().startsWith(AtomicFiles.TEMP_PREFIX))
                    .toList()) {
                String name = dir.getFileName().toString();
                if (name.length() <= AtomicFiles.TEMP_PREFIX.length() + UUID_SUFFIX) {
                    continue;
                }
                // only while the volume's lock is free: else its creator is still at work
                String id = name.substring(AtomicFiles.TEMP_PREFIX.length(), name.length() - UUID_SUFFIX);
                Optional<KeyedLocks.Held> held = locks.tryLock(VolumeManager.lockKey(id));
                if (held.isPresent()) {
                    try (KeyedLocks.Held lock = held.get()) {
                        Intents.deleteTree(dir);
                        swept++;
                    }
                }
            }
        } catch (IOException e) {
            throw StoreException.internal("cannot list " + root + ": " + e.getMessage(), e);
        }
        return swept;
    }
}
