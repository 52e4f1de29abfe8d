package io.unibloc.sandbox.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class ProcessClockTest {

    @Test
    void statFieldsCountFromTheFirstAndSurviveACommandNameWithSpacesAndParentheses() {
        String stat = "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 10 0 0 0 7 3 0 0 20 0 19 0 123456 1000 50";

        assertThat(ProcessClock.statField(stat, 3)).isEqualTo("S");
        assertThat(ProcessClock.statField(stat, 4)).isEqualTo("1");
        assertThat(ProcessClock.statField(stat, 14)).isEqualTo("7");
        assertThat(ProcessClock.statField(stat, 22)).isEqualTo("123456");
    }

    /** The process started just before the JVM did: never after it, and (surefire forks java directly) not long before. */
    @Test
    void theProcessStartAgreesWithTheJvmsOwnUptimeToTheTick() {
        long before = ManagementFactory.getRuntimeMXBean().getUptime();
        long sinceStart = ProcessClock.millisSinceStart().orElseThrow();
        long after = ManagementFactory.getRuntimeMXBean().getUptime();

        assertThat(sinceStart).isGreaterThanOrEqualTo(before - 20).isLessThanOrEqualTo(after + 1000);
    }

    @Test
    void cpuTimeGrowsWithWork() {
        long first = ProcessClock.cpuMillis().orElseThrow();
        long spin = System.nanoTime() + 200_000_000L;
        long sum = 0;
        while (System.nanoTime() < spin) {
            sum += System.nanoTime() % 7;
        }
        long second = ProcessClock.cpuMillis().orElseThrow();

        assertThat(sum).isPositive();
        assertThat(second - first)
                .as("CPU of a 200 ms busy loop, on a loaded machine")
                .isGreaterThanOrEqualTo(20);
    }
}
