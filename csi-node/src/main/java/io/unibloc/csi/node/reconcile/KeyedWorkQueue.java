package io.unibloc.csi.node.reconcile;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@code handler} for keys, at most once at a time per key; a key enqueued while it runs runs once
 * more afterwards (events coalesce). Different keys run in parallel on {@code workers} threads.
 */
final class KeyedWorkQueue implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KeyedWorkQueue.class);
    private final Consumer<String> handler;
    private final ExecutorService executor;
    private final ScheduledExecutorService timer;
    private final Set<String> queued = new HashSet<>();
    private final Set<String> running = new HashSet<>();
    private final Set<String> again = new HashSet<>();

    KeyedWorkQueue(String name, int workers, Consumer<String> handler) {
        this.handler = handler;
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(workers, r -> daemon(r, name + "-" + n.incrementAndGet()));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, name + "-timer"));
    }

    void enqueue(String key) {
        synchronized (this) {
            if (running.contains(key)) {
                again.add(key);
                return;
            }
            if (!queued.add(key)) {
                return;
            }
        }
        try {
            executor.execute(() -> run(key));
        } catch (RejectedExecutionException e) {
            // Closed: nothing more to do.
        }
    }

    void enqueueAfter(String key, Duration delay) {
        try {
            timer.schedule(() -> enqueue(key), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Closed.
        }
    }

    /** Runs {@code task} every {@code period} on the timer thread (sweeps, resyncs). */
    void every(Duration initialDelay, Duration period, Runnable task) {
        timer.scheduleWithFixedDelay(
                () -> {
                    try {
                        task.run();
                    } catch (RuntimeException e) {
                        LOG.warn("periodic task failed", e);
                    }
                },
                initialDelay.toMillis(),
                period.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void run(String key) {
        synchronized (this) {
            queued.remove(key);
            running.add(key);
        }
        try {
            handler.accept(key);
        } catch (RuntimeException e) {
            LOG.warn("reconcile failed key={}", key, e);
        } finally {
            boolean rerun;
            synchronized (this) {
                running.remove(key);
                rerun = again.remove(key);
            }
            if (rerun) {
                enqueue(key);
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
