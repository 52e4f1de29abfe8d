package io.unibloc.blockstore.layers;

import com.github.luben.zstd.ZstdInputStream;
import io.unibloc.types.StoreException;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads a layer's tar entries through the right decompressor, counting compressed and uncompressed bytes
 * so that a blob past its declared size or a decompression bomb stops the read early.
 */
final class LayerReader implements AutoCloseable {
    private static final int BUFFER = 256 * 1024;

    private final LayerSource source;
    private final Counting compressed;
    private final Guard guard;
    private final TarArchiveInputStream tar;

    LayerReader(LayerSource source, LayerLimits limits) {
        this.source = source;
        Compression compression = Compression.detect(source.digest().toString(), source.mediaType(), source.blob());
        try {
            compressed = new Counting(
                    new BufferedInputStream(Files.newInputStream(source.blob()), BUFFER), source.declaredSize());
            InputStream plain = switch (compression) {
                case GZIP -> new GZIPInputStream(compressed, BUFFER);
                case ZSTD -> new ZstdInputStream(compressed);
                case NONE -> compressed;
            };
            guard = new Guard(new BufferedInputStream(plain, BUFFER), compressed, limits);
            tar = new TarArchiveInputStream(guard);
        } catch (IOException e) {
            throw StoreException.invalid("layer " + source.digest() + ": cannot open as "
                    + compression.name().toLowerCase() + " tar: " + e.getMessage());
        }
    }

    /**
     * The next entry, or null at the end. Sparse entries (old GNU, GNU PAX 0.x/1.0, star) are refused
     * with INVALID_ARGUMENT: the tar reader expands their holes, so the size in the header, which every
     * per-file and per-layer limit checks, says nothing about the bytes written. Image builders do not
     * produce them.
     */
    TarArchiveEntry next() throws IOException {
        TarArchiveEntry entry = tar.getNextEntry();
        if (entry != null && entry.isSparse()) {
            throw StoreException.invalid("layer " + source.digest() + " entry '" + entry.getName()
                    + "': sparse tar entries are not supported (real size " + entry.getRealSize() + " bytes, "
                    + entry.getSize() + " stored)");
        }
        return entry;
    }

    /** The current entry's data; reads end at the entry's size. */
    InputStream content() {
        return tar;
    }

    long uncompressedBytes() {
        return guard.total;
    }

    /**
     * Turns a read failure into the error a caller sees: a tripped limit names the limit, anything else
     * is a malformed layer. Both are INVALID_ARGUMENT naming layer and entry.
     */
    StoreException rejection(String entry, IOException e) {
        String reason = guard.tripped != null
                ? guard.tripped
                : compressed.tripped != null ? compressed.tripped : "malformed or truncated layer: " + e.getMessage();
        return StoreException.invalid("layer " + source.digest() + " entry '" + entry + "': " + reason);
    }

    @Override
    public void close() {
        try {
            tar.close();
        } catch (IOException ignored) {
            // reading is over; a close failure of a read-only stream changes nothing
        }
    }

    /** Counts compressed bytes and refuses to read past the size the manifest declared. */
    private static final class Counting extends FilterInputStream {
        private final long declared;
        private long count;
        private String tripped;

        Counting(InputStream in, long declared) {
            super(in);
            this.declared = declared;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                add(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                add(n);
            }
            return n;
        }

        private void add(long n) throws IOException {
            count += n;
            if (declared > 0 && count > declared) {
                tripped = "the blob is larger than its declared size of " + declared + " bytes";
                throw new LayerLimitException(tripped);
            }
        }
    }

    /** Counts uncompressed bytes; trips on the total limit and on the expansion ratio. */
    private static final class Guard extends FilterInputStream {
        private final Counting compressed;
        private final LayerLimits limits;
        private long total;
        private String tripped;

        Guard(InputStream in, Counting compressed, LayerLimits limits) {
            super(in);
            this.compressed = compressed;
            this.limits = limits;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                add(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                add(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            add(skipped);
            return skipped;
        }

        private void add(long n) throws IOException {
            total += n;
            if (total > limits.maxLayerBytes()) {
                tripped =
                        "decompression bomb: the layer expands past the limit of " + limits.maxLayerBytes() + " bytes";
                throw new LayerLimitException(tripped);
            }
            if (total > limits.ratioFloorBytes() && total > Math.max(1, compressed.count) * limits.maxRatio()) {
                tripped = "decompression bomb: " + total + " bytes from " + compressed.count
                        + " compressed bytes exceeds the ratio limit of " + limits.maxRatio();
                throw new LayerLimitException(tripped);
            }
        }
    }
}
