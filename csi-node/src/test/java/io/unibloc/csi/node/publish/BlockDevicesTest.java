package io.unibloc.csi.node.publish;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BlockDevicesTest {
    @Test
    void deviceNumbersSplitAsGlibcDoes() {
        long rdev = (7L << 8) | 3; // loop3: 7:3
        assertThat(BlockDevices.major(rdev)).isEqualTo(7);
        assertThat(BlockDevices.minor(rdev)).isEqualTo(3);
        long big = ((259L & 0xfff) << 8) | ((259L & ~0xfffL) << 32) | (300L & 0xff) | ((300L & ~0xffL) << 12);
        assertThat(BlockDevices.major(big)).isEqualTo(259);
        assertThat(BlockDevices.minor(big)).isEqualTo(300);
    }
}
