package io.unibloc.blockstore.registry;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Abandons a response body that stops sending bytes: the JDK's HTTP client has no read timeout for
 * bodies, so a watchdog interrupts the reading thread (which makes the read fail with an
 * IOException) when nothing arrived for {@code idle}. Use one guard per transfer, then {@link #close()}.
 */
final class StallGuard implements AutoCloseable {
    private final Thread reader = Thread.currentThread();
    private final long idleNanos;
    private final ScheduledFuture<?> check;
    private volatile long lastProgress = System.nanoTime();
    private boolean fired;
    private boolean closed;

    StallGuard(ScheduledExecutorService timer, Duration idle) {
        this.idleNanos = idle.toNanos();
        long period = Math.max(50, idle.toMillis() / 4);
        this.check = timer.scheduleAtFixedRate(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    private synchronized void check() {
        if (!closed && !fired && System.nanoTime() - lastProgress > idleNanos) {
            fired = true;
            reader.interrupt();
        }
    }

    synchronized boolean fired() {
        return fired;
    }

    InputStream wrap(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                lastProgress = System.nanoTime();
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = super.read(buf, off, len);
                lastProgress = System.nanoTime();
                return n;
            }
        };
    }

    /** Stops watching; clears the interrupt this guard caused, so the caller can back off and retry. */
    @Override
    public synchronized void close() {
        closed = true;
        check.cancel(false);
        if (fired) {
            Thread.interrupted();
        }
    }
}
