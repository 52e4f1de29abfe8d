package io.unibloc.csi.node.reconcile;

import io.javaoperatorsdk.operator.processing.retry.Retry;
import io.javaoperatorsdk.operator.processing.retry.RetryExecution;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The preparations (image pull and chain build, minutes long) of this node's volumes, run on their own bounded pool
 * so that no reconcile thread ever waits for one: a deletion, or the reconcile of another volume, proceeds while
 * pulls run. At most one preparation per volume; when one ends, {@code wake} is told the volume's name (the
 * controller turns that into a JOSDK event) and its outcome waits here for the next reconcile to take it.
 *
 * <p>Consecutive failures of one volume count through a JOSDK {@link RetryExecution} (the back-off the controller is
 * configured with), carried from one preparation of the volume to the next until an outcome is final.
 */
final class Preparations implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Preparations.class);

    /** Where a volume's preparation stands. */
    sealed interface State permits Running, Finished, Waiting {}

    /** Submitted: queued for a worker or running. */
    record Running(Job job) implements State {}

    /** Ended; the outcome has not been taken yet. */
    record Finished(Outcome outcome, RetryExecution attempts) implements State {}

    /** A retryable failure was reported; the next preparation waits for the back-off. */
    record Waiting(RetryExecution attempts) implements State {}

    /** How a preparation ended. */
    sealed interface Outcome permits Prepared, Failed, Cancelled {}

    /** The volume is in the store. */
    record Prepared(PreparedVolume volume) implements Outcome {}

    /**
     * The preparation threw after {@code took}; {@code attempt} counts this volume's consecutive failures (1 for the
     * first) and {@code delay} is the back-off before the next try.
     */
    record Failed(RuntimeException error, int attempt, Duration delay, Duration took) implements Outcome {}

    /** Cancelled before it started, or asked to stop while it ran (the record is being deleted). */
    record Cancelled() implements Outcome {}

    /**
     * A submitted preparation; {@link #cancel} keeps it from starting, and once it runs asks it to stop: the work polls
     * {@link #cancelRequested()} (the store's progress callbacks during the pull) and its end then counts as
     * {@link Cancelled}.
     */
    static final class Job implements Runnable {
        private final String name;
        private final Function<BooleanSupplier, PreparedVolume> work;
        private final RetryExecution attempts;
        private final Preparations owner;
        private boolean started;
        private volatile boolean cancelled;

        private Job(
                String name,
                Function<BooleanSupplier, PreparedVolume> work,
                RetryExecution attempts,
                Preparations owner) {
            this.name = name;
            this.work = work;
            this.attempts = attempts;
            this.owner = owner;
        }

        @Override
        public void run() {
            synchronized (this) {
                if (cancelled) {
                    owner.finish(this, new Cancelled());
                    return;
                }
                started = true;
            }
            long start = System.nanoTime();
            Outcome outcome;
            try {
                PreparedVolume prepared = work.apply(this::cancelRequested);
                // Asked to stop after its pull: the record that wanted it is gone, so its result is no one's to
                // report (a record returning under the name is prepared afresh, never Ready from this outcome).
                outcome = cancelled ? new Cancelled() : new Prepared(prepared);
            } catch (RuntimeException e) {
                if (cancelled) {
                    LOG.info("preparation stopped by a deletion volume={} message={}", name, e.getMessage());
                    owner.finish(this, new Cancelled());
                    return;
                }
                Duration delay = attempts.nextDelay().map(Duration::ofMillis).orElse(Duration.ZERO);
                outcome = new Failed(e, attempts.getAttemptCount(), delay, Duration.ofNanos(System.nanoTime() - start));
            }
            owner.finish(this, outcome);
        }

        /** Whether a deletion asked this job to stop. */
        boolean cancelRequested() {
            return cancelled;
        }

        /**
         * True when the job will never run (it had not started); false when it is running: it has been asked to stop
         * and ends (as {@link Cancelled} if it stopped early) by itself.
         */
        synchronized boolean cancel() {
            cancelled = true;
            if (!started && owner.pool.remove(this)) {
                owner.finish(this, new Cancelled());
                return true;
            }
            return !started;
        }
    }

    private final ThreadPoolExecutor pool;
    private final Retry retry;
    private final Consumer<String> wake;
    private final ConcurrentHashMap<String, State> states = new ConcurrentHashMap<>();

    /**
     * @param workers how many preparations run at once (each pulls and builds; the rest queue)
     * @param retry the back-off between failed preparations of one volume
     * @param wake told the name of each volume whose preparation ended
     */
    Preparations(int workers, Retry retry, Consumer<String> wake) {
        AtomicInteger n = new AtomicInteger();
        this.pool =
                new ThreadPoolExecutor(workers, workers, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "blockvolume-prepare-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.retry = retry;
        this.wake = wake;
    }

    Optional<State> state(String name) {
        return Optional.ofNullable(states.get(name));
    }

    /** Submits {@code work} (given whether a deletion asks it to stop) for {@code name} unless one is already queued or running; keeps a waiting failure count. */
    void start(String name, Function<BooleanSupplier, PreparedVolume> work) {
        states.compute(name, (k, current) -> {
            if (current instanceof Running) {
                return current;
            }
            RetryExecution attempts = current instanceof Waiting w ? w.attempts() : retry.initExecution();
            Job job = new Job(name, work, attempts, this);
            pool.execute(job);
            return new Running(job);
        });
    }

    /** After a retryable failure was reported: the next {@link #start} continues this failure count. */
    void waitForRetry(String name) {
        states.computeIfPresent(name, (k, s) -> s instanceof Finished f ? new Waiting(f.attempts()) : s);
    }

    /** Drops what is known about {@code name} (its outcome was final, or the record is gone), unless it is running. */
    void forget(String name) {
        states.computeIfPresent(name, (k, s) -> s instanceof Running ? s : null);
    }

    /** Drops the finished and waiting entries of volumes not in {@code names} (records removed without cleanup). */
    void retainOnly(Collection<String> names) {
        states.forEach((name, s) -> {
            if (!names.contains(name)) {
                forget(name);
            }
        });
    }

    private void finish(Job job, Outcome outcome) {
        boolean current = states.computeIfPresent(
                                job.name,
                                (k, s) -> s instanceof Running r && r.job() == job
                                        ? new Finished(outcome, job.attempts)
                                        : s)
                        instanceof Finished f
                && f.outcome() == outcome;
        if (current) {
            LOG.debug(
                    "preparation ended volume={} outcome={}",
                    job.name,
                    outcome.getClass().getSimpleName());
            wake.accept(job.name);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
