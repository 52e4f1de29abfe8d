package io.unibloc.blockstore.cow;

import io.unibloc.types.StoreException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Who has a store's XFS file open: every open backend holds a SHARED fcntl lock on the users lock file,
 * and the last user of the last process takes it EXCLUSIVE to unmount. fcntl locks belong to the process
 * and closing any descriptor of the file drops them all, so this JVM opens exactly one channel per lock
 * file and counts its own users on top of it.
 */
final class StoreUsers {
    /** Process-wide on purpose: it mirrors the kernel's per-process fcntl locks. */
    private static final ConcurrentHashMap<Path, Users> USERS = new ConcurrentHashMap<>();

    private StoreUsers() {}

    /** Registers one user; blocks while another process is unmounting (holds the lock exclusive). */
    static void join(Path lockFile) {
        Path key = lockFile.toAbsolutePath().normalize();
        while (true) {
            Users users = USERS.computeIfAbsent(key, k -> new Users());
            synchronized (users) {
                if (users.gone) {
                    continue; // the last user just left and dropped this entry: take a fresh one
                }
                if (users.count == 0) {
                    try {
                        users.channel = FileChannel.open(
                                key, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
                        users.shared = users.channel.lock(0, Long.MAX_VALUE, true);
                    } catch (IOException e) {
                        closeQuietly(users.channel);
                        users.channel = null;
                        users.gone = true;
                        USERS.remove(key, users);
                        throw StoreException.internal("cannot take the shared lock " + key + ": " + e.getMessage(), e);
                    }
                }
                users.count++;
                return;
            }
        }
    }

    /**
     * Unregisters one user. The last user of this process trades its shared lock for an exclusive try:
     * only if no other process holds the store open does {@code lastOut} run (under the exclusive lock).
     * Returns whether it ran.
     */
    static boolean leave(Path lockFile, BooleanSupplier lastOut) {
        Path key = lockFile.toAbsolutePath().normalize();
        Users users = USERS.get(key);
        if (users == null) {
            return false;
        }
        synchronized (users) {
            if (users.gone || users.count == 0) {
                return false;
            }
            if (--users.count > 0) {
                return false;
            }
            users.gone = true;
            USERS.remove(key, users);
            try {
                // The JDK cannot convert a lock in place: release, then try exclusive on the same channel.
                // A process that takes its shared lock in between simply makes the try fail.
                users.shared.release();
                FileLock exclusive = users.channel.tryLock(0, Long.MAX_VALUE, false);
                if (exclusive == null) {
                    return false;
                }
                try {
                    return lastOut.getAsBoolean();
                } finally {
                    exclusive.release();
                }
            } catch (IOException e) {
                throw StoreException.internal("cannot lock " + key + " to leave the store: " + e.getMessage(), e);
            } finally {
                closeQuietly(users.channel);
            }
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing drops the lock in any case
            }
        }
    }

    /** Guarded by its own monitor. */
    private static final class Users {
        private FileChannel channel;
        private FileLock shared;
        private int count;
        private boolean gone;
    }
}
