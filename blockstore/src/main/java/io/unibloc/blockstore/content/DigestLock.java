package io.unibloc.blockstore.content;

import io.unibloc.blockstore.chain.LockFiles;
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
 * An exclusive lock on one lock file, held against other processes (fcntl lock) and other threads of
 * this JVM (a JVM-wide permit per lock file, taken before the file is even opened).
 *
 * <p>The permit matters for correctness, not only speed: fcntl locks belong to the process, and closing
 * any descriptor of the file drops every lock the process holds on it. A second thread that opened its
 * own channel, met {@link OverlappingFileLockException} and closed the channel would silently release
 * the first thread's lock, letting another process (a temp sweep in csi-node) take it.
 */
final class DigestLock implements AutoCloseable {
    private static final long POLL_MILLIS = 20;

    /**
     * Process-wide on purpose: it mirrors the kernel's per-process fcntl locks, which two stores over the
     * same root in one JVM share as well. Entries are removed when nobody holds or tries them.
     */
    private static final ConcurrentHashMap<Path, Permit> PERMITS = new ConcurrentHashMap<>();

    private final Path key;
    private final Path lockFile;
    private final Permit permit;
    private final FileChannel channel;
    private final FileLock lock;

    private DigestLock(Path key, Path lockFile, Permit permit, FileChannel channel, FileLock lock) {
        this.key = key;
        this.lockFile = lockFile;
        this.permit = permit;
        this.channel = channel;
        this.lock = lock;
    }

    /** Waits up to {@code timeout} for the lock; UNAVAILABLE when another holder keeps it longer. */
    static DigestLock acquire(Path lockFile, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<DigestLock> got = tryAcquire(lockFile);
            if (got.isPresent()) {
                return got.get();
            }
            if (System.nanoTime() > deadline) {
                throw StoreException.unavailable(
                        "timed out after " + timeout.toSeconds() + " s waiting for the lock of " + what + " ("
                                + lockFile + ")",
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

    /** The lock if nobody (in this JVM or another process) holds it now, else empty. */
    static Optional<DigestLock> tryAcquire(Path lockFile) {
        Path key = lockFile.toAbsolutePath().normalize();
        Permit permit = PERMITS.compute(key, (k, existing) -> {
            Permit p = existing == null ? new Permit() : existing;
            p.users++;
            return p;
        });
        if (!permit.semaphore.tryAcquire()) {
            forget(key);
            return Optional.empty(); // another thread of this JVM holds it: never open a second channel
        }
        FileChannel ch = null;
        try {
            while (true) {
                LockFiles.Opened opened = LockFiles.open(lockFile);
                ch = opened.channel();
                FileLock l = ch.tryLock();
                if (l == null) {
                    ch.close(); // no lock of ours on this file exists, so closing drops nothing
                    releasePermit(key, permit);
                    return Optional.empty();
                }
                if (LockFiles.stillNames(lockFile, opened)) {
                    return Optional.of(new DigestLock(key, lockFile, permit, ch, l));
                }
                ch.close(); // its last holder removed the file after we opened it: lock the current one
                ch = null;
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            releasePermit(key, permit);
            throw StoreException.internal("cannot lock " + lockFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * Unlinks the lock file while still holding it, once the blob it guards is gone, so lock files do not
     * pile up; a later locker creates a fresh one and every locker checks it locked the file that has the
     * name (see {@link LockFiles}). Idempotent.
     */
    void removeLockFile() {
        try {
            Files.deleteIfExists(lockFile);
        } catch (IOException e) {
            throw StoreException.internal("cannot remove lock file " + lockFile + ": " + e.getMessage(), e);
        }
    }

    private static void releasePermit(Path key, Permit permit) {
        permit.semaphore.release();
        forget(key);
    }

    private static void forget(Path key) {
        PERMITS.computeIfPresent(key, (k, p) -> --p.users == 0 ? null : p);
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing was locked through it
            }
        }
    }

    @Override
    public void close() {
        try {
            if (lock.isValid()) {
                lock.release();
            }
            channel.close();
        } catch (IOException ignored) {
            // closing the channel drops the lock in any case
        } finally {
            releasePermit(key, permit);
        }
    }

    /** Guarded by the map's compute: how many threads hold or try the lock file. */
    private static final class Permit {
        private final Semaphore semaphore = new Semaphore(1);
        private int users;
    }
}
