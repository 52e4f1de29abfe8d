package io.unibloc.blockstore.cache;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import io.unibloc.blockstore.fs.LibC;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Bytes of a file that sit in the host page cache now, by {@code mincore(2)} over a read-only shared mapping of
 * it, one window at a time. Mapping reads nothing and faults nothing in, so looking does not change the answer,
 * and a sparse multi-GiB image costs only its page-table walk (about a millisecond per GiB). It is what
 * {@code fincore} reports, without a process per file. The kernel answers truly for a file mapping only to a caller
 * that owns the file or may write it (root, for the store's files); to anyone else it says every page is resident,
 * so {@link MincoreAccess} is asked first and such a file is an {@link UntrustedMincoreException}, never a figure.
 * Thread-safe; no state.
 */
public final class ResidentPages {
    /** Mapped and asked at once: bounds the address space and the vector (256 KiB of 4 KiB pages). */
    private static final long WINDOW = 1L << 30;

    private final LibC libc;
    private final long pageSize;
    private final MincoreAccess access;

    public ResidentPages() {
        this(MincoreAccess.ofThisProcess());
    }

    public ResidentPages(MincoreAccess access) {
        this.libc = LibC.INSTANCE;
        this.pageSize = libc.getpagesize();
        this.access = access;
    }

    /**
     * Resident bytes of {@code file} (whole pages; the last one counts as a page even when the file ends
     * inside it). A file that is gone is {@link NoSuchFileException}; one the kernel would not answer truly for
     * is {@link UntrustedMincoreException}; other failures are IOExceptions naming the file and the call.
     */
    public long of(Path file) throws IOException {
        long size = Files.size(file);
        if (size == 0) {
            return 0;
        }
        access.check(file);
        int fd;
        try {
            fd = libc.open(file.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == LibC.ENOENT) {
                throw new NoSuchFileException(file.toString());
            }
            throw new IOException("open " + file + ": errno " + e.getErrorCode(), e);
        }
        try (Memory vec = new Memory(Math.max(1, Math.min(size, WINDOW) / pageSize + 1))) {
            long resident = 0;
            for (long offset = 0; offset < size; offset += WINDOW) {
                resident += window(file, fd, offset, Math.min(WINDOW, size - offset), vec);
            }
            return resident * pageSize;
        } finally {
            libc.close(fd);
        }
    }

    private long window(Path file, int fd, long offset, long length, Memory vec) throws IOException {
        NativeLong len = new NativeLong(length);
        Pointer map;
        try {
            map = libc.mmap(null, len, LibC.PROT_READ, LibC.MAP_SHARED, fd, offset);
        } catch (LastErrorException e) {
            throw new IOException("mmap " + file + " at " + offset + ": errno " + e.getErrorCode(), e);
        }
        try {
            libc.mincore(map, len, vec);
            int pages = (int) ((length + pageSize - 1) / pageSize);
            byte[] bits = vec.getByteArray(0, pages);
            long resident = 0;
            for (byte b : bits) {
                resident += b & 1;
            }
            return resident;
        } catch (LastErrorException e) {
            throw new IOException("mincore " + file + " at " + offset + ": errno " + e.getErrorCode(), e);
        } finally {
            libc.munmap(map, len);
        }
    }
}
