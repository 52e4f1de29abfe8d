package io.unibloc.csi.node.volume;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One lock per volume id, shared by the CSI Node service and the reconciler, so that stage, publish,
 * preparation and deletion of one volume never interleave while different volumes proceed in parallel.
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

    public void run(String volumeId, Runnable work) {
        with(volumeId, () -> {
            work.run();
            return null;
        });
    }
}
