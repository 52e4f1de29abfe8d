package io.unibloc.sandbox.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unibloc.sandbox.tool.ProcessRunner;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataExtentsTest {

    @TempDir
    Path dir;

    private final DataExtents extents = new DataExtents(new ProcessRunner(), "qemu-img");

    @Test
    void readsTheDataEntriesOfQemuImgsMap() throws IOException {
        // as qemu-img 7.2 printed it for an e2image -r copy
        String map = """
                [{ "start": 0, "length": 8192, "depth": 0, "present": true, "zero": false, "data": true, "offset": 0},
                { "start": 8192, "length": 28672, "depth": 0, "present": true, "zero": true, "data": false, "offset": 8192},
                { "start": 36864, "length": 4096, "depth": 0, "present": true, "zero": false, "data": true, "offset": 36864},
                { "start": 40960, "length": 4096, "depth": 0, "present": true, "zero": false, "data": true, "offset": 40960},
                { "start": 45056, "length": 4096, "depth": 0, "present": true, "zero": true, "data": false, "offset": 45056}]
                """;

        assertThat(DataExtents.parse(map)).containsExactly(new ByteRange(0, 8192), new ByteRange(36864, 8192));
    }

    @Test
    void findsTheDataOfARealSparseFile() throws IOException {
        Path sparse = dir.resolve("sparse.raw");
        try (RandomAccessFile file = new RandomAccessFile(sparse.toFile(), "rw")) {
            file.setLength(4 << 20);
            file.seek(1 << 20);
            file.write(new byte[] {1});
            file.seek(3 << 20);
            file.write(new byte[8192]); // zeros written are data, not a hole
        }

        assertThat(extents.of(sparse)).containsExactly(new ByteRange(1 << 20, 4096), new ByteRange(3 << 20, 8192));
    }

    @Test
    void whatIsNotAMapIsAnErrorNamingTheFile() {
        assertThatThrownBy(() -> DataExtents.parse("{\"start\": 0}")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> DataExtents.parse("[{\"data\": true}]"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("without start or length");
        assertThatThrownBy(() -> extents.of(dir.resolve("missing.raw")))
                .isInstanceOf(LaunchException.class)
                .hasMessageContaining("missing.raw");
    }
}
