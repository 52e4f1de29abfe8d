package io.unibloc.sandbox.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.sandbox.volume.DirectReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/** A block device is read around the page cache, unaligned ranges included. */
@EnabledIfSystemProperty(
        named = "unibloc.it",
        matches = "true",
        disabledReason = "attaches loop devices; runs under failsafe (mvn verify)")
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DirectReaderIT {

    @TempDir
    Path dir;

    @Test
    void aLoopDeviceIsReadDirectlyAndExactly() throws Exception {
        byte[] content = new byte[1 << 20];
        new Random(11).nextBytes(content);
        Path image = Files.write(dir.resolve("image.raw"), content);

        try (LoopDevice loop = LoopDevice.attach(image, true);
                DirectReader reader = DirectReader.open(loop.path())) {
            assertThat(reader.direct()).isTrue();
            byte[] into = new byte[10_000];
            reader.readFully(4095, into, into.length);
            assertThat(into).isEqualTo(Arrays.copyOfRange(content, 4095, 4095 + into.length));
            assertThat(reader.read(content.length - 7, into, 100)).isEqualTo(7);
            assertThat(Arrays.copyOf(into, 7))
                    .isEqualTo(Arrays.copyOfRange(content, content.length - 7, content.length));
        }
    }
}
