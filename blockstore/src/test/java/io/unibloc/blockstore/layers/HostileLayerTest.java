package io.unibloc.blockstore.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unibloc.types.ErrorKind;
import io.unibloc.types.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Issue part 8: every way a layer could write outside its root is refused, naming layer and entry. */
class HostileLayerTest {
    @TempDir
    Path tmp;

    static Stream<Arguments> escapes() {
        return Stream.of(
                Arguments.of(
                        "dot-dot",
                        (Function<Path, TarFixture>) o -> new TarFixture().file("a/../../escape", "x"),
                        "a/../../escape",
                        "'..'"),
                Arguments.of(
                        "absolute path",
                        (Function<Path, TarFixture>) o -> new TarFixture().file(o + "/abs", "x"),
                        "/abs",
                        "absolute path"),
                Arguments.of(
                        "symlink out, relative",
                        (Function<Path, TarFixture>) o -> new TarFixture()
                                .symlink("evil", "../../../../../../..")
                                .file("evil/escape", "x"),
                        "evil/escape",
                        "outside"),
                Arguments.of(
                        "symlink out, absolute",
                        (Function<Path, TarFixture>) o ->
                                new TarFixture().symlink("evil", o.toString()).file("evil/escape", "x"),
                        "evil/escape",
                        "outside"),
                Arguments.of(
                        "symlink chain out",
                        (Function<Path, TarFixture>) o -> new TarFixture()
                                .dir("d", 0755)
                                .symlink("d/up", "..")
                                .symlink("d/upup", "up/..")
                                .file("d/upup/escape", "x"),
                        "d/upup/escape",
                        "outside"),
                Arguments.of(
                        "hard link out",
                        (Function<Path, TarFixture>) o -> new TarFixture().hardlink("hl", "../outside/secret"),
                        "hl",
                        "'..'"),
                Arguments.of(
                        "hard link through symlink out",
                        (Function<Path, TarFixture>) o ->
                                new TarFixture().symlink("evil", o.toString()).hardlink("hl", "evil/secret"),
                        "hl",
                        "outside"),
                Arguments.of(
                        "symlink loop",
                        (Function<Path, TarFixture>) o -> new TarFixture()
                                .symlink("a", "b")
                                .symlink("b", "a")
                                .file("a/x", "x"),
                        "a/x",
                        "too many levels"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("escapes")
    void refusesEntriesLandingOutsideTheRoot(
            String name, Function<Path, TarFixture> layerFor, String entry, String reason) throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "s");
        Path root = Files.createDirectories(tmp.resolve("root"));
        LayerSource layer = layerFor.apply(outside).write(tmp.resolve("blobs"), Compression.GZIP);

        assertThatThrownBy(() -> new LayerApplier(LayerLimits.DEFAULT).apply(layer, root))
                .isInstanceOfSatisfying(
                        StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
                .hasMessageContaining(layer.digest().toString())
                .hasMessageContaining(entry)
                .hasMessageContaining(reason);
        try (Stream<Path> files = Files.list(outside)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("secret");
        }
        assertThat(tmp.resolve("escape")).doesNotExist();
    }

    @Test
    void refusesADecompressionBombByRatio() {
        LayerLimits limits = new LayerLimits(1L << 40, 100, 1 << 20, 1L << 40);
        LayerSource bomb =
                new TarFixture().file("small", "x").zeros("bomb", 64L << 20).write(tmp.resolve("b"), Compression.GZIP);
        assertThatThrownBy(() -> new LayerApplier(limits).apply(bomb, tmp))
                .isInstanceOfSatisfying(
                        StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
                .hasMessageContaining(bomb.digest().toString())
                .hasMessageContaining("'bomb'")
                .hasMessageContaining("decompression bomb");
        assertThatThrownBy(() -> new LayerScanner(limits).scan(bomb)).hasMessageContaining("decompression bomb");
    }

    @Test
    void refusesALayerExpandingPastTheTotalLimit() {
        LayerLimits limits = new LayerLimits(8L << 20, 1_000_000, 0, 1L << 40);
        LayerSource big = new TarFixture().zeros("big", 16L << 20).write(tmp.resolve("b"), Compression.ZSTD);
        assertThatThrownBy(() -> new LayerApplier(limits).apply(big, tmp))
                .hasMessageContaining("'big'")
                .hasMessageContaining("past the limit of 8388608");
    }

    @Test
    void refusesAFileLargerThanTheEntryLimitBeforeWritingIt() throws Exception {
        LayerLimits limits = new LayerLimits(1L << 40, 1_000_000, 0, 1 << 20);
        Path root = Files.createDirectories(tmp.resolve("root"));
        LayerSource big = new TarFixture().zeros("huge", 2L << 20).write(tmp.resolve("b"), Compression.GZIP);
        assertThatThrownBy(() -> new LayerApplier(limits).apply(big, root))
                .hasMessageContaining("'huge'")
                .hasMessageContaining("larger than the limit");
        assertThat(root.resolve("huge")).doesNotExist();
    }

    @Test
    void refusesABlobLargerThanItsDeclaredSize() {
        LayerSource layer = new TarFixture().zeros("f", 1 << 20).write(tmp.resolve("b"), Compression.NONE);
        LayerSource understated = new LayerSource(layer.digest(), layer.mediaType(), 4096, layer.blob());
        assertThatThrownBy(() -> new LayerApplier(LayerLimits.DEFAULT).apply(understated, tmp))
                .isInstanceOfSatisfying(
                        StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
                .hasMessageContaining(layer.digest().toString())
                .hasMessageContaining("larger than its declared size");
    }

    @Test
    void refusesAFileWhoseContentIsShorterThanItsHeader() throws Exception {
        byte[] tar = new TarFixture().file("a", "1").zeros("cut", 100_000).tar();
        byte[] truncated = Arrays.copyOf(tar, 512 * 4 + 10_000);
        LayerSource layer = TarFixture.writeBytes(tmp.resolve("b"), truncated, TarFixture.mediaType(Compression.NONE));
        Path root = Files.createDirectories(tmp.resolve("root"));
        assertThatThrownBy(() -> new LayerApplier(LayerLimits.DEFAULT).apply(layer, root))
                .isInstanceOfSatisfying(
                        StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
                .hasMessageContaining("'cut'");
    }

    @Test
    void refusesAFileWhoseContentOverrunsItsHeader() throws Exception {
        // b's header is forged to declare 3 bytes while 1200 follow: the overrun is read as a bogus header.
        byte[] tar =
                new TarFixture().file("a", "abc").file("b", "x".repeat(1200)).tar();
        int header = 1024;
        byte[] size = "00000000003\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(size, 0, tar, header + 124, size.length);
        Arrays.fill(tar, header + 148, header + 156, (byte) ' ');
        int sum = 0;
        for (int i = header; i < header + 512; i++) {
            sum += tar[i] & 0xFF;
        }
        byte[] checksum = String.format("%06o\0 ", sum).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(checksum, 0, tar, header + 148, checksum.length);
        LayerSource layer = TarFixture.writeBytes(tmp.resolve("b"), tar, TarFixture.mediaType(Compression.NONE));
        Path root = Files.createDirectories(tmp.resolve("root"));
        assertThatThrownBy(() -> new LayerApplier(LayerLimits.DEFAULT).apply(layer, root))
                .isInstanceOfSatisfying(
                        StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
                .hasMessageContaining(layer.digest().toString())
                .hasMessageContaining("after b");
    }
}
