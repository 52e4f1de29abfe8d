package io.unibloc.sandbox.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A metadata copy whose scratch filesystem reported 64 KiB of data around each written block (as coarse allocation
 * does): only what was written, or what e2image had left as data, stays a candidate.
 */
class WrittenBlocksTest {

    private static final int BLOCK = 4096;

    @TempDir
    Path dir;

    @Test
    void newAllZeroBlocksAreArtefactsButZerosInsideTheMetadataAreNot() throws IOException {
        Path meta = dir.resolve("meta.raw");
        try (FileChannel file = FileChannel.open(meta, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            file.truncate(1 << 20);
            write(file, 0, (byte) 1); // a metadata block e2image copied
            write(file, 2 * BLOCK, (byte) 0); // a metadata block debugfs zeroed
            write(file, 17 * BLOCK, (byte) 7); // a block debugfs wrote
        }
        List<ByteRange> before = List.of(new ByteRange(0, 3 * BLOCK));
        List<ByteRange> padded = List.of(new ByteRange(0, 16 * BLOCK), new ByteRange(16 * BLOCK, 16 * BLOCK));

        List<ByteRange> written = WrittenBlocks.of(meta, before, padded, BLOCK);

        assertThat(written).containsExactly(new ByteRange(0, 3 * BLOCK), new ByteRange(17 * BLOCK, BLOCK));
    }

    @Test
    void aFileEndingInsideAnExtentReadsAsZerosThere() throws IOException {
        Path meta = dir.resolve("short.raw");
        try (FileChannel file = FileChannel.open(meta, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            write(file, 0, (byte) 3);
        }

        assertThat(WrittenBlocks.of(meta, List.of(), List.of(new ByteRange(0, 4 * BLOCK)), BLOCK))
                .containsExactly(new ByteRange(0, BLOCK));
    }

    private static void write(FileChannel file, long offset, byte value) throws IOException {
        byte[] bytes = new byte[BLOCK];
        Arrays.fill(bytes, value);
        file.write(ByteBuffer.wrap(bytes), offset);
    }
}
