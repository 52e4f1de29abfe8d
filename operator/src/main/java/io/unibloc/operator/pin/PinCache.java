package io.unibloc.operator.pin;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.unibloc.registry.RegistryException;
import io.unibloc.registry.auth.RegistryCredentials;
import io.unibloc.registry.pin.ImagePinner;
import io.unibloc.registry.pin.PinnedImage;
import io.unibloc.registry.ref.ImageReference;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pins images on its own threads and remembers the outcome per (reference, credentials): successes for
 * the TTL, failures until their back-off has passed (doubling per consecutive failure, capped). Each
 * reference is pinned by at most one thread at a time however many resources ask; every waiter is
 * notified once when that pin ends. Different credentials are a different entry, so fixing a pull
 * secret retries at once instead of waiting out the back-off.
 */
public final class PinCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PinCache.class);
    /** Beyond this many entries, expired ones are dropped when a new pin starts. */
    private static final int PRUNE_ABOVE = 4096;

    private final ImagePinner pinner;
    private final ExecutorService executor;
    private final Clock clock;
    private final Duration ttl;
    private final Duration backoffInitial;
    private final Duration backoffMax;
    private final MeterRegistry meters;
    private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();

    public PinCache(
            ImagePinner pinner,
            ExecutorService executor,
            Clock clock,
            Duration ttl,
            Duration backoffInitial,
            Duration backoffMax,
            MeterRegistry meters) {
        this.pinner = pinner;
        this.executor = executor;
        this.clock = clock;
        this.ttl = ttl;
        this.backoffInitial = backoffInitial;
        this.backoffMax = backoffMax;
        this.meters = meters;
    }

    /** Who to wake when a pin ends; equal waiters are notified once. */
    public record Waiter(Object id, Runnable wake) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Waiter w && id.equals(w.id);
        }

        @Override
        public int hashCode() {
            return id.hashCode();
        }
    }

    /**
     * Returns the known outcome for the image, or starts a pin (if none is running) and returns
     * {@link PinResult.Waiting}; {@code waiter} is then notified on a pin thread when it ends. Never blocks.
     * A reference that already carries a digest is pinned too, because its labels are needed.
     */
    public PinResult lookup(ImageReference reference, RegistryCredentials credentials, Waiter waiter) {
        Key key = new Key(reference, credentials);
        PinResult[] answer = new PinResult[1];
        boolean[] start = new boolean[1];
        entries.compute(key, (k, entry) -> {
            Instant now = clock.instant();
            if (entry instanceof Done done && now.isBefore(done.expires())) {
                answer[0] = done.result();
                return done;
            }
            if (entry instanceof Running running) {
                running.waiters().add(waiter);
                answer[0] = new PinResult.Waiting();
                return running;
            }
            int failures = entry instanceof Done done ? done.failures() : 0;
            Running running = new Running(failures, new LinkedHashSet<>(List.of(waiter)));
            answer[0] = new PinResult.Waiting();
            start[0] = true;
            return running;
        });
        if (start[0]) {
            start(key);
        }
        return answer[0];
    }

    /** Forgets everything, e.g. between tests; running pins still notify their waiters. */
    public void clear() {
        entries.entrySet().removeIf(e -> e.getValue() instanceof Done);
    }

    private void start(Key key) {
        if (entries.size() > PRUNE_ABOVE) {
            Instant now = clock.instant();
            entries.entrySet().removeIf(e -> e.getValue() instanceof Done d && !now.isBefore(d.expires()));
        }
        try {
            executor.execute(() -> run(key));
        } catch (RejectedExecutionException e) {
            // Shutting down: record a retryable failure so the waiters are not left waiting forever.
            finish(key, failure(key, RegistryException.Kind.UNAVAILABLE, "operator is shutting down", 0));
        }
    }

    private void run(Key key) {
        long started = System.nanoTime();
        PinResult result;
        int failuresBefore = entries.get(key) instanceof Running r ? r.failures() : 0;
        try {
            PinnedImage pinned = pinner.pin(key.reference(), key.credentials());
            long millis = key.reference().pinnedDigest().isPresent()
                    ? 0
                    : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            result = new PinResult.Pinned(pinned, millis);
            LOG.info("image pinned image={} digest={} millis={}", key.reference(), pinned.digest(), millis);
        } catch (RegistryException e) {
            result = failure(key, e.kind(), e.getMessage(), failuresBefore);
            LOG.warn(
                    "pin failed image={} kind={} failures={} message={}",
                    key.reference(),
                    e.kind(),
                    failuresBefore + 1,
                    e.getMessage());
        } catch (RuntimeException e) {
            result = failure(
                    key,
                    RegistryException.Kind.INTERNAL,
                    "pinning " + key.reference() + " failed: " + e,
                    failuresBefore);
            LOG.error("pin failed unexpectedly image={}", key.reference(), e);
        }
        Timer.builder("unibloc.operator.pin")
                .description("Registry calls that resolve a tag to a digest")
                .tag("outcome", result instanceof PinResult.Pinned ? "pinned" : ((PinResult.Failed) result).reason())
                .register(meters)
                .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        finish(key, result);
    }

    private PinResult.Failed failure(Key key, RegistryException.Kind kind, String message, int failuresBefore) {
        boolean permanent = kind == RegistryException.Kind.INVALID_ARGUMENT;
        Duration wait = permanent ? backoffMax : backoff(failuresBefore + 1);
        String text = message != null && message.contains(key.reference().repository())
                ? message
                : "image " + key.reference() + ": " + message;
        return new PinResult.Failed(
                kind, PinResult.Failed.reasonFor(kind), text, clock.instant().plus(wait), permanent);
    }

    /** initial, 2×initial, 4×initial ... capped at the maximum. */
    Duration backoff(int failures) {
        Duration wait = backoffInitial;
        for (int i = 1; i < failures && wait.compareTo(backoffMax) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(backoffMax) > 0 ? backoffMax : wait;
    }

    private void finish(Key key, PinResult result) {
        List<Waiter> waiters = new ArrayList<>();
        Instant now = clock.instant();
        entries.compute(key, (k, entry) -> {
            if (entry instanceof Running running) {
                waiters.addAll(running.waiters());
            }
            int failures = entry instanceof Running running ? running.failures() : 0;
            if (result instanceof PinResult.Failed failed) {
                return new Done(result, failed.retryAt(), failures + 1);
            }
            return new Done(result, now.plus(ttl), 0);
        });
        if (result instanceof PinResult.Pinned pinned
                && key.reference().pinnedDigest().isEmpty()) {
            // The resource that asked by tag will next ask by digest (for its Pod); answer that from memory.
            Key byDigest = new Key(pinned.image().reference(), key.credentials());
            entries.putIfAbsent(byDigest, new Done(new PinResult.Pinned(pinned.image(), 0), now.plus(ttl), 0));
        }
        for (Waiter waiter : waiters) {
            try {
                waiter.wake().run();
            } catch (RuntimeException e) {
                LOG.warn("waking a resource after a pin failed image={} waiter={}", key.reference(), waiter.id(), e);
            }
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    private record Key(ImageReference reference, RegistryCredentials credentials) {}

    private sealed interface Entry permits Done, Running {}

    private record Done(PinResult result, Instant expires, int failures) implements Entry {}

    private record Running(int failures, Set<Waiter> waiters) implements Entry {}
}
