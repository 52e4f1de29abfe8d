package io.unibloc.sandbox.volume;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Facts about a device node or image file that decide how it is attached. */
public final class DeviceInfo {

    private static final int S_IFMT = 0170000;
    private static final int S_IFBLK = 0060000;

    private DeviceInfo() {}

    /** {@code true} for a block device node (a loop device, a disk), {@code false} for a file or anything else. */
    public static boolean isBlockDevice(Path path) {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode");
            return (mode & S_IFMT) == S_IFBLK;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Whether the device refuses writes: a block device whose kernel read-only flag is set (e.g. a loop
     * device attached with {@code losetup -r}), or a file or node that cannot be opened for writing.
     */
    public static boolean isReadOnly(Path path) {
        if (isBlockDevice(path)) {
            try {
                long rdev = (Long) Files.getAttribute(path, "unix:rdev");
                Path flag = Path.of("/sys/dev/block/" + major(rdev) + ":" + minor(rdev) + "/ro");
                if (Files.isReadable(flag)) {
                    return Files.readString(flag).strip().equals("1");
                }
            } catch (IOException | RuntimeException e) {
                // fall through to trying it
            }
        }
        // Opening for writing writes nothing and fails with EROFS/EACCES exactly when QEMU would.
        try (FileChannel ignored = FileChannel.open(path, StandardOpenOption.WRITE)) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    static long major(long rdev) {
        return ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
    }

    static long minor(long rdev) {
        return (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
    }
}
