package io.unibloc.blockstore.chain;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Creates in flight, so that the collector keeps the chains (and layer blobs) they prepare until they are cloned. A create leases
 * from the moment it starts; every chain it prepares is touched or built after that moment (its LRU age is newer),
 * so the collector keeps each chain used since the oldest lease began. That covers the chain from its preparation
 * to its clone without knowing its id in advance (a build learns it only at the end). In memory: a crash ends the
 * create and its lease together.
 */
public final class ChainLeases {
    /** File times come from the kernel's coarse clock, which may lag the JVM's by a tick: leases start earlier. */
    private static final Duration CLOCK_SLACK = Duration.ofSeconds(1);

    private final ConcurrentSkipListMap<Long, Instant> held = new ConcurrentSkipListMap<>();
    private final AtomicLong ids = new AtomicLong();

    /** A held lease; closing returns it. */
    public interface Lease extends AutoCloseable {
        @Override
        void close();
    }

    /** Leases every chain used from now until the lease is closed. */
    public Lease begin() {
        long id = ids.incrementAndGet();
        held.put(id, Instant.now().minus(CLOCK_SLACK));
        return () -> held.remove(id);
    }

    /** The start of the oldest lease held: chains used since then are kept. Empty when none is held. */
    public Optional<Instant> keepUsedSince() {
        return held.values().stream().min(Instant::compareTo);
    }
}
