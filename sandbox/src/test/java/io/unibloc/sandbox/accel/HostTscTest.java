package io.unibloc.sandbox.accel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class HostTscTest {

    @Test
    void derivesTheTscFromTheFirstProcessorsBogomips() {
        String cpuinfo = "processor\t: 0\ncpu MHz\t\t: 3000.000\nbogomips\t: 5192.28\n\n"
                + "processor\t: 1\nbogomips\t: 9999.99\n";

        assertThat(HostTsc.fromCpuinfo(cpuinfo)).isEqualTo(OptionalLong.of(2596140));
    }

    @Test
    void fallsBackToTheClockRate() {
        assertThat(HostTsc.fromCpuinfo("processor\t: 0\ncpu MHz\t\t: 2596.140\n"))
                .isEqualTo(OptionalLong.of(2596140));
    }

    @Test
    void nothingUsableGivesNothing() {
        assertThat(HostTsc.fromCpuinfo("processor\t: 0\nbogomips\t: n/a\n")).isEmpty();
        assertThat(HostTsc.fromCpuinfo("")).isEmpty();
    }
}
