package io.unibloc.testkit.image;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;

/** Decompresses a layer blob with commons-compress (not with the code under test). */
final class LayerBlobs {
    private LayerBlobs() {}

    static byte[] decompress(byte[] blob, Compression compression) throws IOException {
        return switch (compression) {
            case NONE -> blob;
            case GZIP -> new GzipCompressorInputStream(new ByteArrayInputStream(blob)).readAllBytes();
            case ZSTD -> new ZstdCompressorInputStream(new ByteArrayInputStream(blob)).readAllBytes();
        };
    }
}
