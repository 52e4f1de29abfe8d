package io.unibloc.blockstore.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unibloc.types.ErrorKind;
import io.unibloc.types.StoreException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sparse tar entries expand their holes on reading, past every limit that checks the stored size; they
 * are refused in every sparse dialect GNU tar writes.
 */
class SparseLayerTest {
    private static final long APPARENT = 100L << 20;

    @TempDir
    Path tmp;

    private LayerSource sparseLayer(List<String> formatArgs) throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        try (RandomAccessFile f = new RandomAccessFile(src.resolve("holes").toFile(), "rw")) {
            f.write("head".getBytes(StandardCharsets.US_ASCII));
            f.setLength(APPARENT);
        }
        Path tar = tmp.resolve("layer.tar");
        List<String> cmd = new java.util.ArrayList<>(List.of("tar", "--sparse"));
        cmd.addAll(formatArgs);
        cmd.addAll(List.of("-C", src.toString(), "-cf", tar.toString(), "holes"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("tar: %s", out).isZero();
        assertThat(Files.size(tar)).as("tar stored the holes as sparse").isLessThan(1L << 20);
        return TarFixture.writeBytes(
                tmp.resolve("blobs"), Files.readAllBytes(tar), TarFixture.mediaType(Compression.NONE));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "--format=gnu",
                "--format=pax --sparse-version=0.0",
                "--format=pax --sparse-version=0.1",
                "--format=pax --sparse-version=1.0"
            })
    void refusesSparseEntries(String format) throws Exception {
        LayerSource layer = sparseLayer(List.of(format.split(" ")));
        // Limits far above the stored bytes but below the expanded size: the hole must not slip through.
        LayerLimits limits = new LayerLimits(1L << 40, 1_000_000, 0, 1L << 40);
        Path root = Files.createDirectories(tmp.resolve("root"));

        assertThatThrownBy(() -> new LayerApplier(limits).apply(layer, root))
                .isInstanceOfSatisfying(
                        StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
                .hasMessageContaining(layer.digest().toString())
                .hasMessageContaining("holes")
                .hasMessageContaining("sparse");
        assertThat(root.resolve("holes")).doesNotExist();
        assertThatThrownBy(() -> new LayerScanner(limits).scan(layer))
                .isInstanceOfSatisfying(
                        StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
                .hasMessageContaining("holes")
                .hasMessageContaining("sparse");
    }
}
