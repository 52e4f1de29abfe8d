package io.unibloc.blockstore.volumes;

import io.unibloc.blockstore.chain.ChainBuilder;
import io.unibloc.blockstore.chain.ChainId;
import io.unibloc.blockstore.chain.ChainRepository;
import io.unibloc.blockstore.chain.Intents;
import io.unibloc.blockstore.cow.CowBackend;
import io.unibloc.blockstore.cow.StoreSpace;
import io.unibloc.blockstore.fs.AtomicFiles;
import io.unibloc.blockstore.fs.ExtImages;
import io.unibloc.blockstore.fs.Fiemap;
import io.unibloc.blockstore.fs.OutOfSpace;
import io.unibloc.blockstore.host.LoopDevices;
import io.unibloc.blockstore.lock.KeyedLocks;
import io.unibloc.types.ErrorKind;
import io.unibloc.types.FsType;
import io.unibloc.types.StoreException;
import io.unibloc.types.VolumeSizes;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, attaches, detaches and deletes volumes under {@code <data>/volumes/<id>/} ({@code disk.img},
 * {@code volume.json}). Every operation on one volume holds that volume's lock (threads and processes).
 *
 * <p>Size: every volume gets {@link VolumeSizes#effective} — at least the requested size and at least its image.
 * ext2/ext4 disks are extended and {@code resize2fs}ed to it. vfat and raw disks are padded with a sparse zero
 * tail: the FAT filesystem keeps its own size (no maintained offline FAT resizer, and the FAT type is tied to the
 * size) and a raw disk keeps the image author's layout, but the device is as large as the caller asked.
 */
public final class VolumeManager {
    private static final Logger LOG = LoggerFactory.getLogger(VolumeManager.class);
    private static final String DISK = "disk.img";
    static final String LOCK_PREFIX = "volume-";

    private final VolumeDirectory dirs;
    private final Path volumes;
    private final CowBackend backend;
    private final ChainRepository chains;
    private final KeyedLocks locks;
    private final LoopDevices loops;
    private final StoreSpace space;

    public VolumeManager(
            Path dataRoot,
            CowBackend backend,
            ChainRepository chains,
            KeyedLocks locks,
            LoopDevices loops,
            StoreSpace space) {
        this.dirs = new VolumeDirectory(dataRoot.resolve("volumes"), locks);
        this.volumes = dirs.root();
        this.backend = backend;
        this.chains = chains;
        this.locks = locks;
        this.loops = loops;
        this.space = space;
    }

    /** What to create: the caller's request and the chain image it resolved to. */
    public record CreateRequest(
            String id,
            String requestedImage,
            String pinnedImage,
            FsType fsType,
            long sizeBytes,
            long limitBytes,
            boolean readOnly,
            ChainId chain) {
        /** Without a limit. */
        public CreateRequest(
                String id,
                String requestedImage,
                String pinnedImage,
                FsType fsType,
                long sizeBytes,
                boolean readOnly,
                ChainId chain) {
            this(id, requestedImage, pinnedImage, fsType, sizeBytes, 0, readOnly, chain);
        }
    }

    public static String lockKey(String id) {
        return LOCK_PREFIX + id;
    }

    public Path disk(String id) {
        return volumes.resolve(id).resolve(DISK);
    }

    public Optional<VolumeRecord> find(String id) {
        return dirs.read(id, VolumeRecord.class);
    }

    /**
     * The existing volume when it matches the request (same requested image, fs, size, read-only); empty
     * when there is none; ALREADY_EXISTS naming the difference when it does not match.
     */
    public Optional<VolumeRecord> existing(
            String id, String requestedImage, FsType fsType, long sizeBytes, boolean readOnly) {
        Optional<VolumeRecord> found = find(id);
        found.ifPresent(v -> {
            List<String> diffs = new ArrayList<>();
            if (!v.requestedImage().equals(requestedImage) && !v.image().equals(requestedImage)) {
                diffs.add("image " + v.requestedImage() + " vs " + requestedImage);
            }
            if (!v.fsType().equals(fsType.id())) {
                diffs.add("fs " + v.fsType() + " vs " + fsType.id());
            }
            if (v.requestedBytes() != sizeBytes) {
                diffs.add("size " + v.requestedBytes() + " vs " + sizeBytes);
            }
            if (v.readOnly() != readOnly) {
                diffs.add("readOnly " + v.readOnly() + " vs " + readOnly);
            }
            if (!diffs.isEmpty()) {
                throw StoreException.alreadyExists(
                        "volume " + id + " exists with a different spec: " + String.join(", ", diffs));
            }
        });
        return found;
    }

    /**
     * Creates the volume unless a matching one exists (then returns it). Built in a temporary directory
     * and renamed into place, so a crash leaves either nothing or a whole volume. Errors: INVALID_ARGUMENT
     * for a bad id or an image larger than the limit, ALREADY_EXISTS for a different existing spec, NOT_FOUND
     * when the chain vanished, INTERNAL for I/O. {@code takenElsewhere} says whether the id is a volume of another
     * kind (an ephemeral one); it is asked under the id's lock, which every kind takes, so one id never becomes two
     * volumes.
     */
    public VolumeRecord create(CreateRequest request, Predicate<String> takenElsewhere) {
        String id = VolumeIds.validate(request.id());
        if (request.sizeBytes() < 0) {
            throw StoreException.invalid("volume " + id + ": size must not be negative, got " + request.sizeBytes());
        }
        try (KeyedLocks.Held ignored = locks.lock(lockKey(id))) {
            Optional<VolumeRecord> found =
                    existing(id, request.requestedImage(), request.fsType(), request.sizeBytes(), request.readOnly());
            if (found.isPresent()) {
                return found.get();
            }
            if (takenElsewhere.test(id)) {
                throw StoreException.alreadyExists(
                        "volume " + id + " exists as an ephemeral volume, not a persistent one");
            }
            // No intent record: the temporary name carries the id, and a sweep removes it only while
            // the volume's lock is free (its creator is gone).
            Path temp = null;
            try {
                temp = dirs.newTemp(id);
                Path disk = temp.resolve(DISK);
                try (KeyedLocks.Held chainLock = locks.lock(ChainBuilder.lockKey(request.chain()))) {
                    if (!chains.exists(request.chain())) {
                        throw StoreException.notFound(
                                "volume " + id + ": chain " + request.chain() + " does not exist");
                    }
                    // Before cloning: a guest may write every block, and a full host disk must fail here, not
                    // later as I/O errors inside every running guest.
                    long worstCase = VolumeSizes.effective(
                            id, request.sizeBytes(), request.limitBytes(), Files.size(chains.image(request.chain())));
                    space.requireRoomFor(id, worstCase);
                    backend.cloneFile(chains.image(request.chain()), disk);
                    chains.touch(request.chain()); // under the chain's lock: GC cannot take it in between
                }
                Files.setPosixFilePermissions(disk, PosixFilePermissions.fromString("rw-------"));
                long size = grow(id, disk, request.fsType(), request.sizeBytes(), request.limitBytes());
                // Durable before the rename publishes it: else a power loss could leave a visible volume
                // whose image lost the clone's or resize's writes. Before chmod, as fsync opens it for write.
                AtomicFiles.fsync(disk);
                if (request.readOnly()) {
                    Files.setPosixFilePermissions(disk, PosixFilePermissions.fromString("r--------"));
                }
                VolumeRecord record = new VolumeRecord(
                        id,
                        request.requestedImage(),
                        request.pinnedImage(),
                        request.fsType().id(),
                        request.sizeBytes(),
                        size,
                        request.readOnly(),
                        request.chain().value(),
                        System.currentTimeMillis());
                // Written in place and fsynced: the directory rename is what makes it visible.
                dirs.publish(temp, id, record);
                LOG.info(
                        "created volume volume={} chain={} bytes={}",
                        id,
                        request.chain().shortId(),
                        size);
                return record;
            } catch (IOException e) {
                if (OutOfSpace.in(e)) {
                    throw outOfSpace(id, request, e);
                }
                throw StoreException.internal("creating volume " + id + ": " + e.getMessage(), e);
            } catch (StoreException e) {
                if (e instanceof StoreSpace.NoRoom) {
                    throw e;
                }
                // cp (copy backend), FICLONE and resize2fs report a full store in their own ways
                if (e.kind() == ErrorKind.RESOURCE_EXHAUSTED || e.kind() == ErrorKind.INTERNAL && OutOfSpace.in(e)) {
                    throw outOfSpace(id, request, e);
                }
                throw e;
            } finally {
                if (temp != null) {
                    Intents.deleteTree(temp);
                }
            }
        }
    }

    private static StoreException outOfSpace(String id, CreateRequest request, Exception e) {
        return new StoreException(
                ErrorKind.RESOURCE_EXHAUSTED,
                "no space left creating volume " + id + " from chain "
                        + request.chain().shortId() + " (" + request.sizeBytes() + " bytes): " + e.getMessage(),
                e);
    }

    private long grow(String id, Path disk, FsType fs, long required, long limit) throws IOException {
        long current = Files.size(disk);
        long size = VolumeSizes.effective(id, required, limit, current);
        if (size == current) {
            return current;
        }
        if (fs == FsType.EXT4 || fs == FsType.EXT2) {
            ExtImages.resize(disk, size);
        } else {
            // vfat, raw: the filesystem or layout stays; the disk gets a sparse zero tail up to the asked size.
            try (RandomAccessFile file = new RandomAccessFile(disk.toFile(), "rw")) {
                file.setLength(size);
            }
        }
        return size;
    }

    public List<VolumeRecord> list() {
        return dirs.list(VolumeRecord.class);
    }

    /** Attached devices by volume id, read from the kernel (one sysfs listing), matched by device and inode. */
    public Map<String, String> devices() {
        List<LoopDevices.Attached> attached = loops.attached();
        Map<String, String> result = new HashMap<>();
        if (attached.isEmpty()) {
            return result;
        }
        for (VolumeRecord v : list()) {
            loops.devicesOf(disk(v.id()), attached).stream()
                    .findFirst()
                    .ifPresent(device -> result.put(v.id(), device));
        }
        return result;
    }

    public Optional<String> device(String id) {
        Path disk = disk(VolumeIds.validate(id));
        if (!Files.exists(disk)) {
            return Optional.empty();
        }
        return loops.devicesOf(disk).stream().findFirst();
    }

    /**
     * Attaches the volume and returns its device. A read-only volume that is attached already returns that device;
     * a writable one is FAILED_PRECONDITION: two users of one writable device (two guests, or a guest and a host
     * mount) would corrupt its filesystem, and the check and the attach happen under the volume's lock so that two
     * callers cannot both see it free. NOT_FOUND for an unknown volume.
     */
    public String attach(String id, boolean directIo) {
        try (KeyedLocks.Held ignored = locks.lock(lockKey(VolumeIds.validate(id)))) {
            VolumeRecord record =
                    find(id).orElseThrow(() -> StoreException.notFound("volume " + id + " does not exist"));
            Optional<String> attached = device(id);
            if (attached.isPresent() && record.readOnly()) {
                return attached.get();
            }
            if (attached.isPresent()) {
                throw StoreException.precondition("volume " + id + " is already attached as " + attached.get()
                        + " and is writable: one user at a time; detach it first");
            }
            String device = loops.attach(disk(id), record.readOnly(), directIo);
            LOG.info(
                    "attached volume volume={} device={} readOnly={} directIo={}",
                    id,
                    device,
                    record.readOnly(),
                    directIo);
            return device;
        }
    }

    /** Detaches every device of the volume; nothing to do for an unknown or detached volume. */
    public void detach(String id) {
        try (KeyedLocks.Held ignored = locks.lock(lockKey(VolumeIds.validate(id)))) {
            for (String device : Files.exists(disk(id)) ? loops.devicesOf(disk(id)) : List.<String>of()) {
                loops.detach(device);
                LOG.info("detached volume volume={} device={}", id, device);
            }
        }
    }

    /** Deletes the volume; success when unknown; FAILED_PRECONDITION while attached. */
    public void delete(String id) {
        try (KeyedLocks.Held held = locks.lock(lockKey(VolumeIds.validate(id)))) {
            if (!Files.exists(dirs.dir(id))) {
                held.removeLockFile(); // also the one a failed create or a lookup of an unknown id left
                return;
            }
            Optional<String> device = device(id);
            if (device.isPresent()) {
                throw StoreException.precondition(
                        "volume " + id + " is attached as " + device.get() + "; detach it first");
            }
            dirs.remove(id);
            // while still held: a waiter that opened this file sees it unlinked and locks a fresh one
            held.removeLockFile();
            LOG.info("deleted volume volume={}", id);
        } catch (IOException e) {
            throw StoreException.internal("deleting volume " + id + ": " + e.getMessage(), e);
        }
    }

    /** Logical size and the bytes not shared with any other file (FIEMAP). NOT_FOUND for an unknown volume. */
    public long[] sizes(String id) {
        Path disk = disk(VolumeIds.validate(id));
        if (!Files.exists(disk)) {
            throw StoreException.notFound("volume " + id + " does not exist");
        }
        try {
            return new long[] {Files.size(disk), Fiemap.of(disk).exclusiveBytes()};
        } catch (IOException e) {
            throw StoreException.internal("cannot stat volume " + id + ": " + e.getMessage(), e);
        }
    }

    /**
     * Removes directories of creates and deletes that a crash interrupted ({@code .tmp-<id>-<uuid>},
     * {@code .del-<id>-<uuid>}) and volume directories that lost their record and are not attached, each only while
     * its volume's lock is free. Returns how many went.
     */
    public int sweepLeftovers() {
        return dirs.sweep(dir -> loops.devicesOf(dir.resolve(DISK)).isEmpty());
    }
}
