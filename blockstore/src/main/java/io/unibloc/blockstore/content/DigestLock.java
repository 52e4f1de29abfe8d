package io.unibloc.blockstore.content;

import io.unibloc.blockstore.StoreException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;

/**
 * An exclusive lock on one lock file, held against other processes (fcntl lock) and other threads of
 * this JVM (the JDK refuses an overlapping lock with an exception, which we treat as "busy").
 */
final class DigestLock implements AutoCloseable {
    private static final long POLL_MILLIS = 20;

    private final FileChannel channel;
    private final FileLock lock;

    private DigestLock(FileChannel channel, FileLock lock) {
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
                throw StoreException.unavailable("timed out after " + timeout.toSeconds() + " s waiting for the lock of "
                        + what + " (" + lockFile + ")", null);
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw StoreException.unavailable("interrupted while waiting for the lock of " + what, e);
            }
        }
    }

    /** The lock if nobody holds it now, else empty. */
    static Optional<DigestLock> tryAcquire(Path lockFile) {
        FileChannel ch = null;
        try {
            ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l = ch.tryLock();
            if (l == null) {
                ch.close();
                return Optional.empty();
            }
            return Optional.of(new DigestLock(ch, l));
        } catch (OverlappingFileLockException e) {
            closeQuietly(ch);
            return Optional.empty();
        } catch (IOException e) {
            closeQuietly(ch);
            throw StoreException.internal("cannot open lock file " + lockFile, e);
        }
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
        }
    }
}
