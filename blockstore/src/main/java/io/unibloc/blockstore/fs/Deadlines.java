package io.unibloc.blockstore.fs;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The deadline of the call a thread works for, so that every host tool it runs ({@link Exec}) gives up when the
 * caller has: kubelet abandons a CSI call after about two minutes and retries, and a tool left running for its
 * ten-minute default would hold the volume's lock while the retries queue behind it. The service edge sets it
 * from its protocol's deadline (gRPC's, in the CSI plugins); work without one keeps the tools' own timeouts.
 *
 * <p>Thread-scoped like gRPC's own {@code Context}, so that the engine needs no protocol type and no extra
 * parameter on every method between the service and the tool; nested scopes keep the earlier deadline.
 */
public final class Deadlines {
    private static final ThreadLocal<Instant> CURRENT = new ThreadLocal<>();

    private Deadlines() {}

    /** Runs {@code work} with {@code deadline} in force (or the current one, when that is earlier). */
    public static <T> T within(Instant deadline, Supplier<T> work) {
        Instant previous = CURRENT.get();
        CURRENT.set(previous != null && previous.isBefore(deadline) ? previous : deadline);
        try {
            return work.get();
        } finally {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    public static void within(Instant deadline, Runnable work) {
        within(deadline, () -> {
            work.run();
            return null;
        });
    }

    /** The deadline in force on this thread, if any. */
    public static Optional<Instant> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    /** {@code timeout}, shortened to what is left before the deadline in force (possibly zero or negative). */
    static Duration bound(Duration timeout) {
        Instant deadline = CURRENT.get();
        if (deadline == null) {
            return timeout;
        }
        Duration left = Duration.between(Instant.now(), deadline);
        return left.compareTo(timeout) < 0 ? left : timeout;
    }
}
