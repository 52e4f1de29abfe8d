package io.unibloc.sandbox.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.sandbox.accel.Accel;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A guest the sandbox stopped on a signal reports the signal only when it ended cleanly. */
class RunResultTest {

    static Stream<Arguments> outcomes() {
        return Stream.of(
                Arguments.of(Named.of("power-off after SIGTERM", new GuestExit.PoweredOff()), "TERM", 15, 143),
                Arguments.of(Named.of("power-off after SIGINT", new GuestExit.PoweredOff()), "INT", 2, 130),
                Arguments.of(Named.of("debug-exit 0 after SIGTERM", new GuestExit.DebugExit(0)), "TERM", 15, 143),
                Arguments.of(Named.of("the guest's own error code stays", new GuestExit.DebugExit(3)), "TERM", 15, 3),
                Arguments.of(
                        Named.of("a kill after the grace period stays", new GuestExit.Killed("x")), "TERM", 15, 137),
                Arguments.of(Named.of("a reset stays", new GuestExit.Reset()), "TERM", 15, 126));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("outcomes")
    void stoppedBy(GuestExit exit, String signal, int number, int expectedStatus) {
        RunResult result = new RunResult(exit, Accel.TCG, Duration.ofSeconds(1), null);

        RunResult stopped = result.stoppedBy(signal, number);

        assertThat(stopped.exitCode()).isEqualTo(expectedStatus);
        assertThat(stopped.runtime()).isEqualTo(result.runtime());
    }
}
