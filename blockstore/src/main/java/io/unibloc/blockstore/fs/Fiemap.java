package io.unibloc.blockstore.fs;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import io.unibloc.types.StoreException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a file's extent map with the FIEMAP ioctl, to tell blocks shared with clones (reflink) from
 * blocks the file owns alone. {@code du} counts shared blocks once per file, so it cannot.
 */
public final class Fiemap {
    private static final NativeLong FS_IOC_FIEMAP = new NativeLong(0xC020660BL);
    private static final int FIEMAP_FLAG_SYNC = 0x1;
    private static final int EXTENT_LAST = 0x1;
    private static final int EXTENT_SHARED = 0x2000;
    private static final int HEADER = 32;
    private static final int EXTENT = 56;
    private static final int BATCH = 512;

    private Fiemap() {}

    /** One mapped extent; {@code shared} when another file (a clone) uses the same blocks. */
    public record Extent(long logical, long physical, long length, boolean shared) {}

    /** A file's allocation: every extent, the bytes allocated and the bytes not shared with any clone. */
    public record Map(List<Extent> extents) {
        public long allocatedBytes() {
            return extents.stream().mapToLong(Extent::length).sum();
        }

        public long exclusiveBytes() {
            return extents.stream()
                    .filter(e -> !e.shared())
                    .mapToLong(Extent::length)
                    .sum();
        }
    }

    /** Maps {@code file}; INTERNAL when the filesystem does not support FIEMAP. */
    public static Map of(Path file) {
        int fd;
        try {
            fd = LibC.INSTANCE.open(file.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC | LibC.O_NOFOLLOW, 0);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == LibC.ENOENT) {
                throw StoreException.notFound("no such file: " + file);
            }
            throw StoreException.internal("cannot open " + file + " for FIEMAP: errno " + e.getErrorCode(), e);
        }
        try (Memory buffer = new Memory(HEADER + (long) EXTENT * BATCH)) {
            List<Extent> extents = new ArrayList<>();
            long start = 0;
            int flags = FIEMAP_FLAG_SYNC;
            while (true) {
                buffer.clear();
                buffer.setLong(0, start);
                buffer.setLong(8, Long.MAX_VALUE - start);
                buffer.setInt(16, flags);
                buffer.setInt(24, BATCH); // fm_extent_count
                LibC.INSTANCE.ioctl(fd, FS_IOC_FIEMAP, buffer);
                int mapped = buffer.getInt(20);
                if (mapped == 0) {
                    return new Map(List.copyOf(extents));
                }
                boolean last = false;
                for (int i = 0; i < mapped; i++) {
                    long base = HEADER + (long) EXTENT * i;
                    long logical = buffer.getLong(base);
                    long physical = buffer.getLong(base + 8);
                    long length = buffer.getLong(base + 16);
                    int extentFlags = buffer.getInt(base + 40);
                    extents.add(new Extent(logical, physical, length, (extentFlags & EXTENT_SHARED) != 0));
                    start = logical + length;
                    last |= (extentFlags & EXTENT_LAST) != 0;
                }
                if (last) {
                    return new Map(List.copyOf(extents));
                }
                flags = 0;
            }
        } catch (LastErrorException e) {
            throw StoreException.internal("FIEMAP failed on " + file + ": errno " + e.getErrorCode(), e);
        } finally {
            LibC.INSTANCE.close(fd);
        }
    }
}
