package io.unibloc.sandbox;

import io.unibloc.sandbox.accel.Accel;
import io.unibloc.sandbox.runtime.BootEvidence;
import io.unibloc.sandbox.runtime.GuestExit;
import io.unibloc.sandbox.runtime.RunResult;
import io.unibloc.sandbox.runtime.RunningGuest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A boot under KVM in {@code auto} mode that gets one second chance: when its boot watchdog trips before the
 * guest printed anything, KVM is declared unusable (the rejection callback; the probe remembers it) and the
 * same spec boots again under TCG. Anything else the first attempt does (printing, exiting, being stopped)
 * is final. Stop and kill requests reach whichever attempt runs, including one that starts after them.
 */
final class KvmFallbackGuest implements RunningGuest {

    private static final Logger LOG = LoggerFactory.getLogger(KvmFallbackGuest.class);

    /** Starts the TCG attempt. */
    @FunctionalInterface
    interface Retry {
        RunningGuest start() throws SandboxException;
    }

    private final Retry retry;
    private final Consumer<String> rejectKvm;
    private final CompletableFuture<BootEvidence> firstOutput = new CompletableFuture<>();
    private volatile RunningGuest current;
    /** The first stop request (its grace period), or a kill; replayed on an attempt that starts later. */
    private volatile Duration stopGrace;

    private volatile boolean killed;
    private RunResult result;

    KvmFallbackGuest(RunningGuest kvmAttempt, Retry retry, Consumer<String> rejectKvm) {
        this.current = kvmAttempt;
        this.retry = retry;
        this.rejectKvm = rejectKvm;
        follow(kvmAttempt);
    }

    private void follow(RunningGuest attempt) {
        attempt.firstOutput().thenAccept(firstOutput::complete);
    }

    @Override
    public long pid() {
        return current.pid();
    }

    @Override
    public boolean isAlive() {
        return current.isAlive();
    }

    @Override
    public void stop(Duration grace) {
        if (stopGrace == null) {
            stopGrace = grace;
        }
        current.stop(grace);
    }

    @Override
    public void kill() {
        killed = true;
        current.kill();
    }

    @Override
    public CompletableFuture<BootEvidence> firstOutput() {
        return firstOutput;
    }

    @Override
    public synchronized RunResult awaitExit() throws InterruptedException {
        if (result != null) {
            return result;
        }
        RunResult first = current.awaitExit();
        if (!(first.exit() instanceof GuestExit.BootTimeout timeout) || stopGrace != null || killed) {
            result = first;
            return result;
        }
        String reason =
                "a guest under KVM printed nothing within " + timeout.deadline().toMillis() + " ms on machine "
                        + timeout.machine() + (timeout.vmmSaid().isEmpty() ? "" : " (QEMU: " + timeout.vmmSaid() + ")");
        rejectKvm.accept(reason);
        LOG.warn("retrying the boot once under TCG: {}", reason);
        RunningGuest second;
        try {
            second = retry.start();
        } catch (SandboxException | RuntimeException e) {
            result = new RunResult(
                    new GuestExit.VmmFailed(
                            GuestExit.SANDBOX_FAILURE,
                            "the retry under TCG after " + reason + " could not start: " + e.getMessage()),
                    Accel.TCG,
                    first.runtime(),
                    null);
            return result;
        }
        current = second;
        follow(second);
        if (killed) {
            second.kill();
        } else if (stopGrace != null) {
            second.stop(stopGrace);
        }
        result = second.awaitExit();
        return result;
    }
}
