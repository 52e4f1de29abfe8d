package io.unibloc.blockstore.lock;

import com.sun.jna.LastErrorException;
import io.unibloc.blockstore.fs.LibC;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Opens lock files that their last holder may unlink. A lock file is removed by whoever deletes the thing
 * it guards, while holding it; a locker that opened the old inode before the unlink then holds a lock
 * nobody else can see. So every locker, once it holds the lock, checks that the path still names the inode
 * it locked ({@link #stillNames}) and starts over on a fresh file otherwise.
 *
 * <p>The JDK does not reveal which inode a {@link FileChannel} has open, so the file is opened with
 * {@code open(2)} first, its inode read through {@code /proc/self/fd/N}, and the channel opened on that
 * magic link, which reaches the same inode even if the name was unlinked or replaced in between.
 */
public final class LockFiles {
    private LockFiles() {}

    /** An open channel on a lock file and the identity ({@code fileKey}: device and inode) of what it opened. */
    public record Opened(FileChannel channel, Object fileKey) {}

    /** Opens (creating it when absent) the lock file. The caller closes the channel. */
    public static Opened open(Path lockFile) throws IOException {
        int fd;
        try {
            fd = LibC.INSTANCE.open(lockFile.toString(), LibC.O_WRONLY | LibC.O_CREAT | LibC.O_CLOEXEC, 0644);
        } catch (LastErrorException e) {
            throw new IOException("cannot open lock file " + lockFile + ": errno " + e.getErrorCode(), e);
        }
        try {
            // Closing fd below cannot drop a lock of ours: callers hold the JVM-wide permit of this file,
            // so no thread of this process has it locked.
            Path self = Path.of("/proc/self/fd/" + fd);
            Object key = Files.readAttributes(self, BasicFileAttributes.class).fileKey();
            return new Opened(FileChannel.open(self, StandardOpenOption.WRITE), key);
        } finally {
            LibC.INSTANCE.close(fd);
        }
    }

    /** True when {@code lockFile} still names the inode {@code opened} refers to; false when removed or replaced. */
    public static boolean stillNames(Path lockFile, Opened opened) throws IOException {
        try {
            return opened.fileKey()
                    .equals(Files.readAttributes(lockFile, BasicFileAttributes.class)
                            .fileKey());
        } catch (NoSuchFileException gone) {
            return false;
        }
    }
}
