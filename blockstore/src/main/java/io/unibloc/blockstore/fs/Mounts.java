package io.unibloc.blockstore.fs;

import io.unibloc.types.StoreException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loop mounts of image files. {@code mount -o loop} sets autoclear on the loop device, so an unmount
 * also frees the device; a crash leaves a mount that {@link #unmountIfMounted} heals at start-up.
 */
public final class Mounts {
    private static final Logger LOG = LoggerFactory.getLogger(Mounts.class);

    private Mounts() {}

    /**
     * Mounts {@code image} (a file) on {@code dir} through a loop device. The options keep what a layer
     * writes inert on the host: no device nodes, no setuid execution, no atime writes.
     */
    public static void mountLoop(Path image, Path dir, String fsType, String extraOptions) {
        String options = "loop,noatime,nodev,nosuid"
                + (extraOptions == null || extraOptions.isEmpty() ? "" : "," + extraOptions);
        Exec.check(List.of("mount", "-t", fsType, "-o", options, image.toString(), dir.toString()));
    }

    /** Mounts a block device or file with explicit options (no loop flag added). */
    public static void mount(Path source, Path dir, String fsType, String options) {
        Exec.check(List.of("mount", "-t", fsType, "-o", options, source.toString(), dir.toString()));
    }

    /** Unmounts {@code dir}; retries briefly while the kernel still reports it busy. */
    public static void unmount(Path dir) {
        Exec.Result result = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            result = Exec.run(List.of("umount", dir.toString()));
            if (result.ok() || !isMounted(dir)) {
                return;
            }
            sleep(50L * (attempt + 1));
        }
        throw StoreException.internal("cannot unmount " + dir + ": " + result.output(), null);
    }

    /** Unmounts {@code dir} if something is mounted there; used to heal after a crash. */
    public static boolean unmountIfMounted(Path dir) {
        if (!isMounted(dir)) {
            return false;
        }
        LOG.info("unmounting leftover mount path={}", dir);
        unmount(dir);
        return true;
    }

    public static boolean isMounted(Path dir) {
        return mountPoints().contains(dir.toAbsolutePath().normalize().toString());
    }

    /** Every mount point of this mount namespace, unescaped. */
    public static List<String> mountPoints() {
        return MountTable.read().stream().map(m -> m.mountPoint().toString()).toList();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StoreException.internal("interrupted while unmounting", e);
        }
    }
}
