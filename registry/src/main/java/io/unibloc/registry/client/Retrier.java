package io.unibloc.registry.client;

import io.unibloc.registry.RegistryException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a call up to {@code maxAttempts} times while it fails with {@link Transient} (5xx, timeouts,
 * broken connections), sleeping an exponentially growing, jittered back-off between tries; then gives
 * up with UNAVAILABLE. Any other failure ends at once.
 */
final class Retrier {
    private static final Logger LOG = LoggerFactory.getLogger(Retrier.class);

    private final int maxAttempts;
    private final Duration initial;
    private final Duration max;
    private final Consumer<String> onRetry;

    Retrier(RegistryConfig config, Consumer<String> onRetry) {
        this.maxAttempts = config.maxAttempts();
        this.initial = config.initialBackoff();
        this.max = config.maxBackoff();
        this.onRetry = onRetry;
    }

    /** A failure that may pass if the same request is sent again. */
    static final class Transient extends RuntimeException {
        Transient(String message, Throwable cause) {
            super(message, cause);
        }
    }

    interface Call<T> {
        T run();
    }

    <T> T run(String what, String registry, Call<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.run();
            } catch (Transient e) {
                if (attempt >= maxAttempts) {
                    throw RegistryException.unavailable(
                            what + " failed after " + attempt + " attempt(s): " + e.getMessage(), e.getCause());
                }
                long wait = backoffMillis(attempt);
                LOG.info(
                        "retrying registry request what={} attempt={}/{} reason={} backoffMs={}",
                        what,
                        attempt + 1,
                        maxAttempts,
                        e.getMessage(),
                        wait);
                onRetry.accept(registry);
                sleep(wait, what);
            }
        }
    }

    long backoffMillis(int attempt) {
        double base = initial.toMillis() * Math.pow(2, attempt - 1);
        double capped = Math.min(base, max.toMillis());
        return (long) (capped * (0.75 + 0.5 * ThreadLocalRandom.current().nextDouble()));
    }

    private static void sleep(long millis, String what) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RegistryException.unavailable("interrupted while waiting to retry " + what, e);
        }
    }
}
