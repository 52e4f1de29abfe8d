package io.unibloc.blockstore.chain;

import io.unibloc.blockstore.StoreException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Per-key mutual exclusion across threads and processes: a JVM lock per key (a file lock alone cannot
 * exclude threads of one JVM), then an exclusive lock on {@code <dir>/<key>.lock}. The kernel frees a
 * file lock when its process dies, so a crashed holder never blocks anyone; whoever finds an intent whose
 * lock is free knows its owner is gone. Keys must be file-name safe.
 */
public final class KeyedLocks {
    private final Path dir;
    private final ConcurrentHashMap<String, Entry> locks = new ConcurrentHashMap<>();

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
        @Override
        void close();
    }

    /** Blocks until the key is free in this process and all others. */
    public Held lock(String key) {
        Entry entry = acquire(key);
        entry.lock.acquireUninterruptibly();
        try {
            FileChannel channel = FileChannel.open(dir.resolve(key + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock fileLock = channel.lock();
            return () -> release(key, entry, channel, fileLock);
        } catch (IOException | RuntimeException e) {
            entry.lock.release();
            releaseEntry(key, entry);
            throw StoreException.internal("cannot lock " + key + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Takes the lock only when nobody holds it; empty otherwise. */
    public Optional<Held> tryLock(String key) {
        Entry entry = acquire(key);
        if (!entry.lock.tryAcquire()) {
            releaseEntry(key, entry);
            return Optional.empty();
        }
        try {
            FileChannel channel = FileChannel.open(dir.resolve(key + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock fileLock = channel.tryLock();
            if (fileLock == null) {
                channel.close();
                entry.lock.release();
                releaseEntry(key, entry);
                return Optional.empty();
            }
            return Optional.of(() -> release(key, entry, channel, fileLock));
        } catch (IOException | RuntimeException e) {
            entry.lock.release();
            releaseEntry(key, entry);
            throw StoreException.internal("cannot lock " + key + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    private Entry acquire(String key) {
        return locks.compute(key, (k, existing) -> {
            Entry entry = existing == null ? new Entry() : existing;
            entry.users++;
            return entry;
        });
    }

    private void releaseEntry(String key, Entry entry) {
        locks.computeIfPresent(key, (k, existing) -> --existing.users == 0 ? null : existing);
    }

    private void release(String key, Entry entry, FileChannel channel, FileLock fileLock) {
        try {
            fileLock.release();
            channel.close();
        } catch (IOException e) {
            throw StoreException.internal("cannot unlock " + key + ": " + e.getMessage(), e);
        } finally {
            entry.lock.release();
            releaseEntry(key, entry);
        }
    }

    /** Guarded by the map's compute: how many threads hold or wait for the key. */
    private static final class Entry {
        // not reentrant: a second take by the same thread must wait or fail like any other, since the
        // file lock underneath cannot be taken twice by one process
        private final Semaphore lock = new Semaphore(1);
        private int users;
    }
}
