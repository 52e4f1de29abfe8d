package io.unibloc.sandbox.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A regular file is read through the page cache (its filesystem may refuse direct reads after a direct open). */
class DirectReaderTest {

    @TempDir
    Path dir;

    @Test
    void aRegularFileIsReadBufferedAndExactly() throws IOException {
        byte[] content = new byte[3 * DirectReader.ALIGNMENT + 123];
        new Random(7).nextBytes(content);
        Path file = Files.write(dir.resolve("image.raw"), content);

        try (DirectReader reader = DirectReader.open(file)) {
            assertThat(reader.direct()).isFalse();
            byte[] into = new byte[5000];
            reader.readFully(1000, into, 5000);
            assertThat(into).isEqualTo(Arrays.copyOfRange(content, 1000, 6000));
            assertThat(reader.read(content.length - 10, into, 100)).isEqualTo(10);
            assertThat(Arrays.copyOf(into, 10))
                    .isEqualTo(Arrays.copyOfRange(content, content.length - 10, content.length));
            assertThatThrownBy(() -> reader.readFully(content.length - 10, into, 100))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(file + " ends at byte " + content.length);
        }
    }

    /** Each longer read grows the aligned buffer: whatever the address it gets, it must hold the whole range. */
    @Test
    void readsOfEveryUnalignedLengthFit() throws IOException {
        byte[] content = new byte[64 * DirectReader.ALIGNMENT];
        new Random(9).nextBytes(content);
        Path file = Files.write(dir.resolve("image.raw"), content);

        try (DirectReader reader = DirectReader.open(file)) {
            for (int length = 1; length < content.length - 1; length += 4093) {
                byte[] into = new byte[length];
                reader.readFully(1, into, length);
                assertThat(into).as("length %d", length).isEqualTo(Arrays.copyOfRange(content, 1, 1 + length));
            }
        }
    }
}
