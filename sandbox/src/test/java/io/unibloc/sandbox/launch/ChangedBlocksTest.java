package io.unibloc.sandbox.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A random "device" and a copy changed at known places; the runs are written out by hand. */
class ChangedBlocksTest {

    private static final int K4 = 4096;

    @TempDir
    Path dir;

    private byte[] original;
    private Path device;

    @BeforeEach
    void device() throws IOException {
        original = new byte[16 * K4];
        new Random(7).nextBytes(original);
        device = Files.write(dir.resolve("device"), original);
    }

    private Path copyWith(int... changedBytes) throws IOException {
        byte[] copy = original.clone();
        for (int at : changedBytes) {
            copy[at] ^= 0x5a;
        }
        return Files.write(dir.resolve("copy"), copy);
    }

    @Test
    void differingUnitsComeBackAsMergedRuns() throws IOException {
        // unit 2 (last byte), unit 3 (first byte) touch: one run of two units; unit 7 alone
        Path copy = copyWith(3 * K4 - 1, 3 * K4, 7 * K4 + 100);

        List<ByteRange> runs = ChangedBlocks.find(copy, device, List.of(new ByteRange(0, 16 * K4)), K4);

        assertThat(runs).containsExactly(new ByteRange(2 * K4, 2 * K4), new ByteRange(7 * K4, K4));
    }

    @Test
    void onlyCandidatesAreComparedAndTheyAreWidenedToWholeUnits() throws IOException {
        Path copy = copyWith(2 * K4 + 5, 7 * K4 + 100, 9 * K4);

        List<ByteRange> runs = ChangedBlocks.find(
                copy, device, List.of(new ByteRange(7 * K4 + 50, 10), new ByteRange(9 * K4 + 8, 8)), K4);

        assertThat(runs).containsExactly(new ByteRange(7 * K4, K4), new ByteRange(9 * K4, K4));
    }

    @Test
    void sectorsAreTheUnitForVfat() throws IOException {
        Path copy = copyWith(1000, 1024);

        List<ByteRange> runs = ChangedBlocks.find(copy, device, List.of(new ByteRange(0, 16 * K4)), 512);

        assertThat(runs).containsExactly(new ByteRange(512, 1024));
    }

    @Test
    void aCopyEqualToTheDeviceNeedsNothing() throws IOException {
        Path copy = copyWith();

        assertThat(ChangedBlocks.find(copy, device, List.of(new ByteRange(0, 16 * K4)), K4))
                .isEmpty();
    }

    @Test
    void aDeviceShorterThanTheCopyIsAnErrorNamingIt() throws IOException {
        Path copy = copyWith(15 * K4);
        Path shortDevice = Files.write(dir.resolve("short"), java.util.Arrays.copyOf(original, 8 * K4));

        assertThatThrownBy(() -> ChangedBlocks.find(copy, shortDevice, List.of(new ByteRange(0, 16 * K4)), K4))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(shortDevice.toString())
                .hasMessageContaining("ends at byte " + 8 * K4);
    }
}
