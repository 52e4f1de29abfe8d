package io.unibloc.blockstore.cow;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import io.unibloc.blockstore.fs.LibC;
import io.unibloc.blockstore.fs.OutOfSpace;
import io.unibloc.types.ErrorKind;
import io.unibloc.types.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/** The FICLONE ioctl: makes one file share all of another's blocks, in O(extents) time. */
final class Ficlone {
    private static final NativeLong FICLONE = new NativeLong(0x40049409L);

    private Ficlone() {}

    static void cloneFile(Path source, Path target) {
        if (!Files.exists(source)) {
            throw StoreException.notFound("clone source does not exist: " + source);
        }
        int src;
        try {
            src = LibC.INSTANCE.open(source.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw StoreException.internal("cannot open clone source " + source + ": errno " + e.getErrorCode(), e);
        }
        try {
            int dst;
            try {
                dst = LibC.INSTANCE.open(
                        target.toString(),
                        LibC.O_WRONLY | LibC.O_CREAT | LibC.O_EXCL | LibC.O_CLOEXEC | LibC.O_NOFOLLOW,
                        0644);
            } catch (LastErrorException e) {
                if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    throw StoreException.alreadyExists("clone target exists: " + target);
                }
                throw StoreException.internal(
                        "cannot create clone target " + target + ": errno " + e.getErrorCode(), e);
            }
            try {
                LibC.INSTANCE.ioctl(dst, FICLONE, src);
            } catch (LastErrorException e) {
                LibC.INSTANCE.close(dst);
                dst = -1;
                deleteQuietly(target);
                if (e.getErrorCode() == OutOfSpace.ENOSPC) {
                    // a reflink needs new metadata blocks; a full store is the caller's problem to see
                    throw new StoreException(
                            ErrorKind.RESOURCE_EXHAUSTED,
                            "no space left on device cloning " + source + " -> " + target + " (FICLONE errno 28)",
                            e);
                }
                throw StoreException.internal(
                        "FICLONE " + source + " -> " + target + " failed: errno " + e.getErrorCode(), e);
            } finally {
                if (dst >= 0) {
                    LibC.INSTANCE.close(dst);
                }
            }
        } finally {
            LibC.INSTANCE.close(src);
        }
    }

    /** True when {@code dir}'s filesystem can FICLONE: tried on a probe file that is removed again. */
    static boolean worksIn(Path dir) {
        Path probe = dir.resolve(".probe-" + UUID.randomUUID());
        Path clone = dir.resolve(".probe-" + UUID.randomUUID());
        try {
            Files.write(probe, new byte[4096]);
            cloneFile(probe, clone);
            return true;
        } catch (IOException | StoreException e) {
            return false;
        } finally {
            deleteQuietly(probe);
            deleteQuietly(clone);
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // best effort: a probe or half-made clone in a temp name is swept later anyway
        }
    }
}
