package io.unibloc.blockstore.cow;

import io.unibloc.blockstore.fs.Exec;
import io.unibloc.blockstore.fs.Mounts;
import io.unibloc.blockstore.host.LoopDevices;
import io.unibloc.blockstore.lock.KeyedLocks;
import io.unibloc.types.StoreException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * For stores whose directory cannot reflink (ext4 nodes): a sparse file {@code <store>/xfs.img} made
 * with {@code mkfs.xfs -m reflink=1} and loop-mounted at {@code <store>/mnt}; the store lives inside and
 * clones by FICLONE there, as Docker's loop-lvm once did. The file is created once with the configured
 * size (sparse: it costs what is written) and mounted again on restart. It is mounted with
 * {@code discard} so that blocks freed inside give space back to the host file; without it, XFS in a loop
 * file never shrinks (an {@code fstrim} would otherwise be needed). Its loop device reads and writes
 * {@code xfs.img} with direct I/O (switched by {@link LoopDevices}, the project's owner of loop devices): otherwise every page a volume reads would be
 * cached twice, under the volume's file inside XFS and under {@code xfs.img} (issue 19).
 */
public final class XfsLoopBackend implements CowBackend {
    private static final Logger LOG = LoggerFactory.getLogger(XfsLoopBackend.class);

    private final Path image;
    private final Path mountPoint;
    private final Path usersLock;
    private final AtomicBoolean closed = new AtomicBoolean();

    private XfsLoopBackend(Path image, Path mountPoint, Path usersLock) {
        this.image = image;
        this.mountPoint = mountPoint;
        this.usersLock = usersLock;
    }

    /**
     * Creates (first time) and mounts (when not mounted yet) the XFS file of {@code storeRoot}, and holds
     * a SHARED lock on {@code <store>/locks/xfs-loop.lock} until {@link #close()}, so that no other
     * process (csi-node, a CLI) unmounts it while this one uses it. Mounting itself is serialised by the key
     * {@code xfs-loop-mount} ({@code locks/xfs-loop-mount.lock}). Errors: INTERNAL when mkfs or mount fail (e.g. no
     * loop devices, no XFS in the kernel).
     */
    public static XfsLoopBackend open(Path storeRoot, long sizeBytes) {
        Path image = storeRoot.resolve("xfs.img");
        Path mountPoint = storeRoot.resolve("mnt");
        Path usersLock = storeRoot.resolve("locks/xfs-loop.lock");
        try {
            Files.createDirectories(storeRoot.resolve("locks"));
            Files.createDirectories(mountPoint);
        } catch (IOException e) {
            throw StoreException.internal("cannot set up the XFS store file " + image + ": " + e.getMessage(), e);
        }
        // Shared first: from here on nobody can unmount, so a mount seen now stays.
        StoreUsers.join(usersLock);
        try {
            mountIfNeeded(new KeyedLocks(storeRoot.resolve("locks")), image, mountPoint, sizeBytes);
        } catch (RuntimeException e) {
            StoreUsers.leave(usersLock, () -> false);
            throw e;
        }
        return new XfsLoopBackend(image, mountPoint, usersLock);
    }

    /** Under the mount lock, the engine's keyed lock {@code xfs-loop-mount} (threads and processes alike). */
    private static void mountIfNeeded(KeyedLocks locks, Path image, Path mountPoint, long sizeBytes) {
        try (KeyedLocks.Held ignored = locks.lock("xfs-loop-mount")) {
            if (!Mounts.isMounted(mountPoint)) {
                if (!Files.exists(image)) {
                    create(image, sizeBytes);
                }
                Mounts.mountLoop(image, mountPoint, "xfs", "discard");
                LOG.info("mounted store filesystem image={} mount={}", image, mountPoint);
            }
            directIo(image); // also a store mounted before issue 19, in place
        } catch (IOException e) {
            throw StoreException.internal("cannot set up the XFS store file " + image + ": " + e.getMessage(), e);
        }
    }

    /**
     * Switches every loop device backed by {@code image} to direct I/O ({@link LoopDevices#enableDirectIo}) and
     * drops what {@code image} already had in the page cache (the superblock reads of the mount, or everything for
     * a store mounted before). Direct I/O is set after {@code mount -o loop} attached the device, so the mount
     * keeps setting autoclear (an unmount frees the device). Never fails the store: buffered I/O is slower on
     * memory, not wrong.
     */
    private static void directIo(Path image) {
        LoopDevices loops = new LoopDevices();
        List<String> devices = loops.devicesOf(image);
        if (devices.isEmpty()) {
            LOG.warn("store loop device not found, direct I/O not set image={}", image);
            return;
        }
        for (String device : devices) {
            LoopDevices.DirectIo dio = loops.enableDirectIo(device);
            if (dio.on()) {
                LOG.info(
                        "store loop device direct I/O device={} image={} dio=1 logicalBlockSize={} switched={}",
                        device,
                        image,
                        dio.logicalBlockSize(),
                        dio.switched());
            } else {
                LOG.warn(
                        "store loop device stays buffered, xfs.img pages are cached twice device={} image={} dio=0"
                                + " logicalBlockSize={} reason=\"{}\" hint=\"loop direct I/O needs the device's"
                                + " logical block size >= the backing filesystem's\"",
                        device,
                        image,
                        dio.logicalBlockSize(),
                        dio.refusal());
            }
        }
        Exec.Result drop = Exec.run(List.of("dd", "if=" + image, "iflag=nocache", "count=0", "status=none"));
        if (!drop.ok()) {
            LOG.info("cannot drop cached pages of the store file image={} reason=\"{}\"", image, drop.output());
        }
    }

    private static void create(Path image, long sizeBytes) throws IOException {
        Path temp = image.resolveSibling("xfs.img.tmp");
        Files.deleteIfExists(temp);
        try (RandomAccessFile file = new RandomAccessFile(temp.toFile(), "rw")) {
            file.setLength(sizeBytes);
        }
        Exec.check(List.of("mkfs.xfs", "-q", "-f", "-m", "reflink=1", temp.toString()));
        Files.move(temp, image, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        LOG.info("created store filesystem image={} bytes={}", image, sizeBytes);
    }

    public Path image() {
        return image;
    }

    @Override
    public Optional<Path> backingFile() {
        return Optional.of(image);
    }

    @Override
    public String name() {
        return "xfs-loop";
    }

    @Override
    public Path dataRoot() {
        return mountPoint;
    }

    @Override
    public boolean sharesBlocks() {
        return true;
    }

    @Override
    public void cloneFile(Path source, Path target) {
        Ficlone.cloneFile(source, target);
    }

    /**
     * Releases this user of the store; the last user of all processes unmounts the store filesystem.
     * While another backend (in this or another process) has it open, or volumes keep the kernel busy,
     * it stays mounted (the next open reuses it) and this logs why. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        boolean last = StoreUsers.leave(usersLock, () -> {
            Exec.Result result = Exec.run(List.of("umount", mountPoint.toString()));
            if (!result.ok() && Mounts.isMounted(mountPoint)) {
                LOG.info("store filesystem stays mounted mount={} reason={}", mountPoint, result.output());
            }
            return true;
        });
        if (!last) {
            LOG.info(
                    "store filesystem stays mounted mount={} reason=\"another user still has the store open\"",
                    mountPoint);
        }
    }
}
