package io.unibloc.blockstore.chain;

import io.unibloc.types.StoreException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Per-key mutual exclusion across threads and processes: a JVM lock per key (a file lock alone cannot
 * exclude threads of one JVM), then an exclusive lock on {@code <dir>/<key>.lock}. The kernel frees a
 * file lock when its process dies, so a crashed holder never blocks anyone; whoever finds an intent whose
 * lock is free knows its owner is gone. Keys must be file-name safe.
 *
 * <p>Whoever deletes what a key guards removes the key's lock file while holding it
 * ({@link Held#removeLockFile()}), so lock files do not pile up; see {@link LockFiles} for why that is safe.
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
        /**
         * Unlinks the lock file while still holding it, so that lock files do not outlive what they guard
         * (a volume, a chain). Call only once that is gone; later lockers create a fresh file. Idempotent.
         */
        void removeLockFile();

        @Override
        void close();
    }

    /** Blocks until the key is free in this process and all others. */
    public Held lock(String key) {
        Entry entry = acquire(key);
        entry.lock.acquireUninterruptibly();
        try {
            while (true) {
                Path file = dir.resolve(key + ".lock");
                LockFiles.Opened opened = LockFiles.open(file);
                FileLock fileLock = lockOrClose(opened, false);
                if (LockFiles.stillNames(file, opened)) {
                    return new HeldLock(key, entry, file, opened.channel(), fileLock);
                }
                opened.channel().close(); // its last holder removed it: lock the file that now has the name
            }
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
            while (true) {
                Path file = dir.resolve(key + ".lock");
                LockFiles.Opened opened = LockFiles.open(file);
                FileLock fileLock = lockOrClose(opened, true);
                if (fileLock == null) {
                    opened.channel().close();
                    entry.lock.release();
                    releaseEntry(key, entry);
                    return Optional.empty();
                }
                if (LockFiles.stillNames(file, opened)) {
                    return Optional.of(new HeldLock(key, entry, file, opened.channel(), fileLock));
                }
                opened.channel().close();
            }
        } catch (IOException | RuntimeException e) {
            entry.lock.release();
            releaseEntry(key, entry);
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

    private final class HeldLock implements Held {
        private final String key;
        private final Entry entry;
        private final Path file;
        private final FileChannel channel;
        private final FileLock fileLock;

        HeldLock(String key, Entry entry, Path file, FileChannel channel, FileLock fileLock) {
            this.key = key;
            this.entry = entry;
            this.file = file;
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
        public void close() {
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
    }

    /** Guarded by the map's compute: how many threads hold or wait for the key. */
    private static final class Entry {
        // not reentrant: a second take by the same thread must wait or fail like any other, since the
        // file lock underneath cannot be taken twice by one process
        private final Semaphore lock = new Semaphore(1);
        private int users;
    }
}
