package io.unibloc.registry.client;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Abandons a response body that stops sending bytes: the JDK's HTTP client has no read timeout for
 * bodies, so a watchdog closes the body stream (which ends the blocked read) when nothing arrived for
 * {@code idle}. The reader then sees a short body and resumes with a Range request. One guard per
 * transfer; {@link #close()} it afterwards.
 */
final class StallGuard implements AutoCloseable {
    private final long idleNanos;
    private final ScheduledFuture<?> check;
    private volatile long lastProgress = System.nanoTime();
    private volatile InputStream watched;
    private volatile boolean fired;
    private volatile boolean closed;

    StallGuard(ScheduledExecutorService timer, Duration idle) {
        this.idleNanos = idle.toNanos();
        long period = Math.max(50, idle.toMillis() / 4);
        this.check = timer.scheduleAtFixedRate(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    private void check() {
        InputStream in = watched;
        if (closed || fired || in == null || System.nanoTime() - lastProgress <= idleNanos) {
            return;
        }
        fired = true;
        try {
            in.close();
        } catch (IOException ignored) {
            // the reader fails or sees the end either way
        }
    }

    boolean fired() {
        return fired;
    }

    InputStream wrap(InputStream in) {
        watched = in;
        lastProgress = System.nanoTime();
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

    @Override
    public void close() {
        closed = true;
        check.cancel(false);
    }
}
