package io.unibloc.blockstore.lock;

import io.unibloc.types.StoreException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * The engine's one keyed lock: per-key mutual exclusion across threads and processes, for chains, volumes and
 * blobs alike. A key is an exclusive fcntl lock on {@code <dir>/<key>.lock}, taken only after a JVM-wide permit
 * for that file: a file lock alone cannot exclude threads of one JVM. The kernel frees a file lock when its
 * process dies, so a crashed holder never blocks anyone; whoever finds an intent or a temporary file whose lock
 * is free knows its owner is gone. Keys must be file-name safe.
 *
 * <p>The permit is JVM-wide (keyed by the lock file's absolute path), not per instance, for correctness: fcntl
 * locks belong to the process, and closing any descriptor of the file drops every lock the process holds on it.
 * A second thread that opened its own channel, met {@link OverlappingFileLockException} and closed the channel
 * would silently release the first thread's lock, letting another process (a temp sweep in csi-node) take it —
 * also when two stores over the same root live in one JVM.
 *
 * <p>Whoever deletes what a key guards removes the key's lock file while holding it ({@link
 * Held#removeLockFile()}), so lock files do not pile up; see {@link LockFiles} for why that is safe.
 */
public final class KeyedLocks {
    private static final long POLL_MILLIS = 20;

    /**
     * Process-wide on purpose: it mirrors the kernel's per-process fcntl locks, which two stores over the same
     * root in one JVM share as well. Entries are removed when nobody holds or waits for them.
     */
    private static final ConcurrentHashMap<Path, Permit> PERMITS = new ConcurrentHashMap<>();

    private final Path dir;

    public KeyedLocks(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw StoreException.internal("cannot create lock directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** A held lock; closing releases it. */
    public interface Held extends AutoCloseable {
        /**
         * Unlinks the lock file while still holding it, so that lock files do not outlive what they guard (a
         * volume, a chain, a blob). Call only once that is gone; later lockers create a fresh file. Idempotent.
         */
        void removeLockFile();

        @Override
        void close();
    }

    /** Blocks until the key is free in this process and all others. */
    public Held lock(String key) {
        Path file = file(key);
        Permit permit = enter(file);
        permit.semaphore.acquireUninterruptibly();
        return lockFile(key, file, permit, false).orElseThrow();
    }

    /** Takes the lock only when nobody holds it; empty otherwise. */
    public Optional<Held> tryLock(String key) {
        Path file = file(key);
        Permit permit = enter(file);
        if (!permit.semaphore.tryAcquire()) {
            leave(file);
            return Optional.empty(); // another thread of this JVM holds it: never open a second channel
        }
        return lockFile(key, file, permit, true);
    }

    /**
     * Waits up to {@code timeout} for the key; UNAVAILABLE naming {@code what} when another holder keeps it
     * longer (a writer of the same blob in another process that is stuck, say).
     */
    public Held lock(String key, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<Held> got = tryLock(key);
            if (got.isPresent()) {
                return got.get();
            }
            if (System.nanoTime() > deadline) {
                throw StoreException.unavailable(
                        "timed out after " + timeout.toSeconds() + " s waiting for the lock of " + what + " ("
                                + file(key) + ")",
                        null);
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw StoreException.unavailable("interrupted while waiting for the lock of " + what, e);
            }
        }
    }

    private Path file(String key) {
        return dir.resolve(key + ".lock");
    }

    /** With the permit held: locks the file that has the name; empty only when {@code tryOnly} and it is taken. */
    private Optional<Held> lockFile(String key, Path file, Permit permit, boolean tryOnly) {
        try {
            while (true) {
                LockFiles.Opened opened = LockFiles.open(file);
                FileLock fileLock = lockOrClose(opened, tryOnly);
                if (fileLock == null) {
                    opened.channel().close(); // no lock of ours on this file exists, so closing drops nothing
                    release(file, permit);
                    return Optional.empty();
                }
                if (LockFiles.stillNames(file, opened)) {
                    return Optional.of(new HeldLock(key, file, permit, opened.channel(), fileLock));
                }
                opened.channel().close(); // its last holder removed it: lock the file that now has the name
            }
        } catch (IOException | RuntimeException e) {
            release(file, permit);
            throw StoreException.internal("cannot lock " + key + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static FileLock lockOrClose(LockFiles.Opened opened, boolean tryOnly) throws IOException {
        try {
            return tryOnly ? opened.channel().tryLock() : opened.channel().lock();
        } catch (IOException | RuntimeException e) {
            opened.channel().close();
            throw e;
        }
    }

    private static Permit enter(Path file) {
        return PERMITS.compute(file.toAbsolutePath().normalize(), (k, existing) -> {
            Permit permit = existing == null ? new Permit() : existing;
            permit.users++;
            return permit;
        });
    }

    private static void leave(Path file) {
        PERMITS.computeIfPresent(file.toAbsolutePath().normalize(), (k, p) -> --p.users == 0 ? null : p);
    }

    private static void release(Path file, Permit permit) {
        permit.semaphore.release();
        leave(file);
    }

    private static final class HeldLock implements Held {
        private final String key;
        private final Path file;
        private final Permit permit;
        private final FileChannel channel;
        private final FileLock fileLock;
        private boolean closed;

        HeldLock(String key, Path file, Permit permit, FileChannel channel, FileLock fileLock) {
            this.key = key;
            this.file = file;
            this.permit = permit;
            this.channel = channel;
            this.fileLock = fileLock;
        }

        @Override
        public void removeLockFile() {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw StoreException.internal(
                        "cannot remove lock file " + file + " of " + key + ": " + e.getMessage(), e);
            }
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                fileLock.release();
                channel.close();
            } catch (IOException e) {
                throw StoreException.internal("cannot unlock " + key + ": " + e.getMessage(), e);
            } finally {
                release(file, permit);
            }
        }
    }

    /** Guarded by the map's compute: how many threads hold or wait for the lock file. */
    private static final class Permit {
        // not reentrant: a second take by the same thread must wait or fail like any other, since the
        // file lock underneath cannot be taken twice by one process
        private final Semaphore semaphore = new Semaphore(1);
        private int users;
    }
}
