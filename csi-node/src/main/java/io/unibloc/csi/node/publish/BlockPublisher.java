package io.unibloc.csi.node.publish;

import io.unibloc.blockstore.fs.Exec;
import io.unibloc.blockstore.fs.MountTable;
import io.unibloc.blockstore.host.LoopDevices;
import io.unibloc.types.StoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a block device at a target path the way kubelet expects for {@code volumeMode: Block}: an empty
 * file bind-mounted with the device node. A read-only publish of a writable device goes through a
 * read-only loop device stacked on it, because the container runtime re-creates the device node from its
 * major:minor and a read-only bind mount alone would not stop writes (the engine's {@link LoopDevices} attaches
 * and detaches it). Both operations are idempotent; callers hold the volume's lock.
 */
public final class BlockPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(BlockPublisher.class);

    private final LoopDevices loops;

    public BlockPublisher(LoopDevices loops) {
        this.loops = loops;
    }

    public BlockPublisher() {
        this(new LoopDevices());
    }

    /**
     * Places {@code device} at {@code target}. Already published the same way: nothing to do. Published
     * differently (another device, other read-only mode): ALREADY_EXISTS. A foreign mount or a non-empty
     * file or directory at the target: FAILED_PRECONDITION. Nothing half-done remains on failure.
     */
    public void publish(String volumeId, Path device, Path target, boolean readOnly) {
        long deviceRdev = BlockDevices.rdev(device)
                .orElseThrow(() ->
                        StoreException.internal("volume " + volumeId + ": " + device + " is not a block device", null));
        Optional<MountTable.Mount> mounted = MountTable.at(target);
        if (mounted.isPresent()) {
            checkExisting(volumeId, device, deviceRdev, target, readOnly, mounted.get());
            return;
        }
        prepareTargetFile(target);
        Path source = device;
        Path overlay = null;
        try {
            if (readOnly && !BlockDevices.readOnly(deviceRdev)) {
                overlay = Path.of(loops.attach(device, true, false));
                source = overlay;
            }
            Exec.check(List.of("mount", "--bind", source.toString(), target.toString()));
            if (readOnly) {
                Exec.check(List.of("mount", "-o", "remount,bind,ro", target.toString()));
            }
            LOG.info("published volume={} device={} target={} readOnly={}", volumeId, source, target, readOnly);
        } catch (RuntimeException e) {
            undo(target, overlay);
            throw e;
        }
    }

    /**
     * Removes what {@link #publish} placed at {@code target}: unmounts, detaches a read-only loop device of
     * ours, deletes the file. A missing target is success; a mount that is not a device bind is left alone
     * (FAILED_PRECONDITION), so a hostile request cannot unmount anything else.
     */
    public void unpublish(Path target) {
        for (int round = 0; round < 8; round++) {
            Optional<MountTable.Mount> mounted = MountTable.at(target);
            if (mounted.isEmpty()) {
                break;
            }
            if (!mounted.get().isDeviceBind()) {
                throw StoreException.precondition("target_path " + target + " is a mount of "
                        + mounted.get().fsType() + " " + mounted.get().source()
                        + ", not a published block device; not touching it");
            }
            Optional<Long> rdev = BlockDevices.rdev(target);
            Exec.check(List.of("umount", target.toString()));
            rdev.flatMap(BlockDevices::devicePath).filter(this::isOurOverlay).ifPresent(this::detachOverlay);
        }
        deleteTarget(target);
    }

    /** The targets where {@code device} is published, directly or through a read-only overlay. */
    public List<Path> targetsOf(Path device) {
        String name = device.getFileName().toString();
        List<Path> out = new ArrayList<>();
        for (MountTable.Mount m : MountTable.read()) {
            if (!m.isDeviceBind()) {
                continue;
            }
            String mountedName = Path.of(m.root()).getFileName().toString();
            if (mountedName.equals(name)
                    || overlayBacking(mountedName)
                            .filter(device.toString()::equals)
                            .isPresent()) {
                out.add(m.mountPoint());
            }
        }
        return out;
    }

    /** True when {@code path} is a block device node that is {@code device} or our read-only overlay of it. */
    public boolean shows(Path device, Path path) {
        Optional<Long> seen = BlockDevices.rdev(path);
        Optional<Long> expected = BlockDevices.rdev(device);
        if (seen.isEmpty() || expected.isEmpty()) {
            return false;
        }
        return seen.get().equals(expected.get())
                || BlockDevices.loopBackingFile(seen.get())
                        .filter(device.toString()::equals)
                        .isPresent();
    }

    private void checkExisting(
            String volumeId, Path device, long deviceRdev, Path target, boolean readOnly, MountTable.Mount mount) {
        if (!mount.isDeviceBind()) {
            throw StoreException.precondition(
                    "target_path " + target + " already has a mount of " + mount.fsType() + " " + mount.source());
        }
        long current = BlockDevices.rdev(target).orElse(-1L);
        boolean direct = current == deviceRdev;
        boolean overlay = !direct
                && BlockDevices.loopBackingFile(current)
                        .filter(device.toString()::equals)
                        .isPresent();
        if (!direct && !overlay) {
            throw StoreException.alreadyExists(
                    "target_path " + target + " already holds another device, not volume " + volumeId);
        }
        boolean publishedReadOnly = overlay || BlockDevices.readOnly(deviceRdev);
        if (publishedReadOnly != readOnly) {
            throw StoreException.alreadyExists("volume " + volumeId + " is already published at " + target
                    + (publishedReadOnly ? " read-only" : " read-write") + "; asked "
                    + (readOnly ? "read-only" : "read-write"));
        }
    }

    private static void prepareTargetFile(Path target) {
        try {
            if (Files.isSymbolicLink(target)) {
                throw StoreException.invalid("target_path: " + target + " is a symbolic link");
            }
            if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                try (Stream<Path> entries = Files.list(target)) {
                    if (entries.findAny().isPresent()) {
                        throw StoreException.precondition("target_path " + target + " is a non-empty directory");
                    }
                }
                // Some COs create the target as a directory; block volumes are published as a file.
                Files.delete(target);
            }
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) || Files.size(target) != 0) {
                    throw StoreException.precondition("target_path " + target + " exists and is not an empty file");
                }
                return;
            }
            Files.createDirectories(target.getParent());
            Files.createFile(target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the target file " + target, e);
        }
    }

    private void undo(Path target, Path overlay) {
        try {
            if (MountTable.at(target).isPresent()) {
                Exec.run(List.of("umount", target.toString()));
            }
            if (overlay != null) {
                detachOverlay(overlay);
            }
            Files.deleteIfExists(target);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cleanup after failed publish incomplete target={} overlay={}", target, overlay, e);
        }
    }

    private static void deleteTarget(Path target) {
        try {
            if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                Files.deleteIfExists(target);
            } else if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) && Files.size(target) != 0) {
                    throw StoreException.precondition(
                            "target_path " + target + " is a non-empty file; not deleting it");
                }
                Files.delete(target);
            }
        } catch (DirectoryNotEmptyException e) {
            throw StoreException.precondition("target_path " + target + " is a non-empty directory; not deleting it");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove target " + target, e);
        }
    }

    private boolean isOurOverlay(Path loop) {
        return BlockDevices.rdev(loop)
                .flatMap(BlockDevices::loopBackingFile)
                .filter(b -> b.startsWith("/dev/"))
                .isPresent();
    }

    private void detachOverlay(Path loop) {
        try {
            loops.detach(loop.toString());
        } catch (StoreException e) {
            LOG.warn("cannot detach read-only overlay device={} message={}", loop, e.getMessage());
        }
    }

    private Optional<String> overlayBacking(String loopName) {
        return loops.backingPath("/dev/" + loopName);
    }
}
