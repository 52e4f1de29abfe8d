package io.unibloc.blockstore.fs;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

/**
 * The few libc calls the JDK does not offer: xattrs on the link itself, FIFOs, ioctls (FICLONE, FIEMAP), and
 * {@code mincore} over a read-only mapping to count a file's pages in the page cache.
 * Spawning a tool per call would cost milliseconds each; these cost microseconds.
 */
public interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int O_RDONLY = 0;
    int O_WRONLY = 1;
    int O_CREAT = 0100;
    int O_EXCL = 0200;
    int O_NOFOLLOW = 0400000;
    int O_CLOEXEC = 02000000;

    int ENOENT = 2;
    int EXDEV = 18;
    int ENOTTY = 25;
    int EINVAL = 22;
    int EOPNOTSUPP = 95;
    int ENODATA = 61;

    int open(String path, int flags, int mode) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int ioctl(int fd, NativeLong request, int arg) throws LastErrorException;

    int ioctl(int fd, NativeLong request, Pointer arg) throws LastErrorException;

    int lsetxattr(String path, String name, byte[] value, NativeLong size, int flags) throws LastErrorException;

    NativeLong lgetxattr(String path, String name, byte[] value, NativeLong size) throws LastErrorException;

    NativeLong llistxattr(String path, byte[] list, NativeLong size) throws LastErrorException;

    int mkfifo(String path, int mode) throws LastErrorException;

    int AT_FDCWD = -100;
    int AT_SYMLINK_NOFOLLOW = 0x100;

    /** {@code times}: atime seconds, atime nanos, mtime seconds, mtime nanos (two {@code struct timespec}). */
    int utimensat(int dirfd, String path, long[] times, int flags) throws LastErrorException;

    int PROT_READ = 1;
    int MAP_SHARED = 1;

    /** {@code offset} is {@code off_t}, 64 bits on the 64-bit Linux the store runs on. */
    Pointer mmap(Pointer addr, NativeLong length, int prot, int flags, int fd, long offset) throws LastErrorException;

    int munmap(Pointer addr, NativeLong length) throws LastErrorException;

    /** One byte per page of {@code [addr, addr + length)} into {@code vec}; bit 0 set when the page is resident. */
    int mincore(Pointer addr, NativeLong length, Pointer vec) throws LastErrorException;

    int getpagesize();

    /** Effective uid: whom the kernel checks a file's owner against (mincore, see cache.MincoreAccess). */
    int geteuid();
}
