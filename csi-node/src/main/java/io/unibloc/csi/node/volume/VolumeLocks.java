package io.unibloc.csi.node.volume;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One lock per volume id, shared by the CSI Node service and the reconciler, so that stage, unstage, publish,
 * unpublish, deletion and the orphan sweep of one volume never interleave while different volumes proceed in
 * parallel. Preparation (pull, build, create) does not take it: it may take minutes, NodeStageVolume answers
 * UNAVAILABLE meanwhile, and the store itself makes concurrent creates of one id safe.
 */
public final class VolumeLocks {
    private final ConcurrentHashMap<String, Entry> locks = new ConcurrentHashMap<>();

    private static final class Entry {
        final ReentrantLock lock = new ReentrantLock();
        int users;
    }

    public <T> T with(String volumeId, Supplier<T> work) {
        Entry entry = locks.compute(volumeId, (k, e) -> {
            Entry v = e == null ? new Entry() : e;
            v.users++;
            return v;
        });
        entry.lock.lock();
        try {
            return work.get();
        } finally {
            entry.lock.unlock();
            locks.computeIfPresent(volumeId, (k, e) -> --e.users == 0 ? null : e);
        }
    }

    /**
     * Runs {@code work} under the volume's lock if the lock comes free within {@code wait}; false (nothing run)
     * when it does not, so that a caller whose deadline passes gives up instead of queueing behind a long holder.
     */
    public boolean tryRun(String volumeId, Duration wait, Runnable work) {
        Entry entry = locks.compute(volumeId, (k, e) -> {
            Entry v = e == null ? new Entry() : e;
            v.users++;
            return v;
        });
        try {
            if (!entry.lock.tryLock(Math.max(0, wait.toMillis()), TimeUnit.MILLISECONDS)) {
                return false;
            }
            try {
                work.run();
                return true;
            } finally {
                entry.lock.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            locks.computeIfPresent(volumeId, (k, e) -> --e.users == 0 ? null : e);
        }
    }

    public void run(String volumeId, Runnable work) {
        with(volumeId, () -> {
            work.run();
            return null;
        });
    }
}
