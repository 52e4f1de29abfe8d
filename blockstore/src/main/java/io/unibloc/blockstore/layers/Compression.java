package io.unibloc.blockstore.layers;

import io.unibloc.types.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/** How a layer blob is compressed, from its media type and its first bytes. */
public enum Compression {
    NONE,
    GZIP,
    ZSTD;

    private static final byte[] GZIP_MAGIC = {0x1f, (byte) 0x8b};
    private static final byte[] ZSTD_MAGIC = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd};

    /**
     * The compression a media type declares, if it declares one: {@code +gzip}/{@code .tar.gzip} → GZIP,
     * {@code +zstd} → ZSTD, a plain {@code tar} → NONE. Unknown or missing media types declare nothing.
     */
    public static Optional<Compression> fromMediaType(String mediaType) {
        if (mediaType == null || mediaType.isBlank()) {
            return Optional.empty();
        }
        String type = mediaType.trim();
        if (type.endsWith("+gzip") || type.endsWith(".tar.gzip") || type.endsWith("tar.gz")) {
            return Optional.of(GZIP);
        }
        if (type.endsWith("+zstd") || type.endsWith(".tar.zstd")) {
            return Optional.of(ZSTD);
        }
        if (type.endsWith(".tar") || type.endsWith(".layer.v1.tar") || type.endsWith("diff.tar")) {
            return Optional.of(NONE);
        }
        return Optional.empty();
    }

    public static Compression fromMagic(byte[] head) {
        if (startsWith(head, GZIP_MAGIC)) {
            return GZIP;
        }
        if (startsWith(head, ZSTD_MAGIC)) {
            return ZSTD;
        }
        return NONE;
    }

    /**
     * Detects the compression of {@code blob}. The magic bytes decide; a media type that names a
     * different compression is INVALID_ARGUMENT, since the manifest and the blob disagree.
     */
    public static Compression detect(String layer, String mediaType, Path blob) {
        byte[] head = new byte[4];
        int read;
        try (InputStream in = Files.newInputStream(blob)) {
            read = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw StoreException.internal("layer " + layer + ": cannot read blob " + blob + ": " + e.getMessage(), e);
        }
        Compression actual = fromMagic(Arrays.copyOf(head, read));
        Optional<Compression> declared = fromMediaType(mediaType);
        if (declared.isPresent() && declared.get() != actual) {
            throw StoreException.invalid("layer " + layer + ": media type " + mediaType + " says "
                    + declared.get().name().toLowerCase() + " but the blob is "
                    + actual.name().toLowerCase());
        }
        return actual;
    }

    private static boolean startsWith(byte[] head, byte[] magic) {
        if (head.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (head[i] != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
