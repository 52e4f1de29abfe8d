package io.unibloc.sandbox.volume;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceInfoTest {

    @Test
    void splitsDeviceNumbersLikeGlibc() {
        assertThat(DeviceInfo.major(0x0700)).isEqualTo(7);
        assertThat(DeviceInfo.minor(0x0700)).isZero();
        assertThat(DeviceInfo.major(0x0103)).isEqualTo(1);
        assertThat(DeviceInfo.minor(0x0103)).isEqualTo(3);
        // 259:65536 (a large NVMe minor) is encoded with the minor's high bits above bit 20
        long rdev = (259L << 8) | (65536L & 0xff) | ((65536L & ~0xffL) << 12);
        assertThat(DeviceInfo.major(rdev)).isEqualTo(259);
        assertThat(DeviceInfo.minor(rdev)).isEqualTo(65536);
    }

    @Test
    void filesAndCharacterDevicesAreNotBlockDevices(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("image"), "x");

        assertThat(DeviceInfo.isBlockDevice(file)).isFalse();
        assertThat(DeviceInfo.isBlockDevice(Path.of("/dev/null"))).isFalse();
        assertThat(DeviceInfo.isBlockDevice(dir.resolve("missing"))).isFalse();
        assertThat(DeviceInfo.isReadOnly(file)).isFalse();
        assertThat(DeviceInfo.isReadOnly(dir.resolve("missing"))).isTrue();
    }
}
