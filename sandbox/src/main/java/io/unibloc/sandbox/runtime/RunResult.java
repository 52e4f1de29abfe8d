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

    public Optional<Duration> firstConsoleLine() {
        return Optional.ofNullable(timeToFirstConsoleLine);
    }
}
