package io.unibloc.sandbox.runtime;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A guest whose VMM is running. Obtained from {@code Sandbox.start}; safe to use from several threads. Should
 * the JVM exit while the guest runs, a shutdown hook kills the VMM.
 */
public interface RunningGuest {

    /** The VMM's process id. */
    long pid();

    /** Whether the VMM is still running. */
    boolean isAlive();

    /**
     * Asks the guest to shut down (power button), and kills the VMM if it is still running after
     * {@code grace}. Returns at once; {@link #awaitExit()} reports the outcome. Idempotent: later calls
     * neither press again nor extend the deadline. A call after the guest ended does nothing.
     */
    void stop(Duration grace);

    /**
     * Completes when the guest's first console output arrives (the evidence that it runs), with the accelerator
     * and machine it runs on; stays incomplete for a guest that never prints.
     */
    CompletableFuture<BootEvidence> firstOutput();

    /** Kills the VMM at once. Idempotent. */
    void kill();

    /**
     * Waits for the VMM to exit and for the last console line to be delivered, then cleans up the boot's work
     * directory. Repeatable: later calls return the same result. If the waiting thread is interrupted, the VMM
     * is killed (a guest nobody waits for would run on unseen) and the interruption is thrown.
     */
    RunResult awaitExit() throws InterruptedException;
}
