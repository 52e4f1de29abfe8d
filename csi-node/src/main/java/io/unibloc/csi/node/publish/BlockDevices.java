package io.unibloc.csi.node.publish;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/** Facts about block device nodes from stat(2) and sysfs. */
public final class BlockDevices {
    private BlockDevices() {}

    /** The device number of the block device node at {@code path} (following a bind mount), if it is one. */
    public static Optional<Long> rdev(Path path) {
        try {
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            long rdev = (Long) Files.getAttribute(path, "unix:rdev", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            boolean blockDevice = (mode & 0170000) == 0060000;
            return blockDevice ? Optional.of(rdev) : Optional.empty();
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    /** The file or device a loop device reads from ({@code /sys/dev/block/M:m/loop/backing_file}), if it is a loop device. */
    public static Optional<String> loopBackingFile(long rdev) {
        Path sys = Path.of("/sys/dev/block/" + major(rdev) + ":" + minor(rdev) + "/loop/backing_file");
        try {
            return Optional.of(Files.readString(sys).strip());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The {@code /dev/...} name of device {@code rdev} from sysfs' uevent. */
    public static Optional<Path> devicePath(long rdev) {
        Path uevent = Path.of("/sys/dev/block/" + major(rdev) + ":" + minor(rdev) + "/uevent");
        try {
            for (String line : Files.readAllLines(uevent)) {
                if (line.startsWith("DEVNAME=")) {
                    return Optional.of(Path.of("/dev", line.substring("DEVNAME=".length())));
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** True when the kernel marks the block device read-only ({@code /sys/dev/block/M:m/ro}). */
    public static boolean readOnly(long rdev) {
        try {
            return Files.readString(Path.of("/sys/dev/block/" + major(rdev) + ":" + minor(rdev) + "/ro"))
                    .strip()
                    .equals("1");
        } catch (IOException e) {
            return false;
        }
    }

    // Linux's new_encode_dev layout, which glibc's stat returns.
    static long major(long rdev) {
        return ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & 0xfffff000L);
    }

    static long minor(long rdev) {
        return (rdev & 0xff) | ((rdev >>> 12) & 0xffffff00L);
    }
}
