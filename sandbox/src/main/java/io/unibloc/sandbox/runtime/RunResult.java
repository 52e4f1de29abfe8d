package io.unibloc.sandbox.runtime;

import io.unibloc.sandbox.accel.Accel;
import java.time.Duration;
import java.util.Optional;

/**
 * The outcome of one boot.
 *
 * @param exit how the guest ended; {@link GuestExit#exitCode()} is the status to exit with
 * @param accel what the guest ran under
 * @param runtime from the VMM's start to its exit
 * @param timeToFirstConsoleLine from the VMM's start to the guest's first console line; {@code null} when the
 *     guest printed nothing
 */
public record RunResult(GuestExit exit, Accel accel, Duration runtime, Duration timeToFirstConsoleLine) {

    public int exitCode() {
        return exit.exitCode();
    }

    /**
     * This outcome for a guest that the sandbox stopped on signal {@code signal} ({@code number}): a clean end
     * (status 0: it powered off, or wrote 0 to the debug-exit port) becomes {@link GuestExit.Stopped}, since the
     * guest ended only because it was told to; any other end (its own error code, a kill after the grace period, a
     * reset) keeps its own status.
     */
    public RunResult stoppedBy(String signal, int number) {
        if (exit.exitCode() != 0) {
            return this;
        }
        return new RunResult(new GuestExit.Stopped(signal, number), accel, runtime, timeToFirstConsoleLine);
    }

    public Optional<Duration> firstConsoleLine() {
        return Optional.ofNullable(timeToFirstConsoleLine);
    }
}
