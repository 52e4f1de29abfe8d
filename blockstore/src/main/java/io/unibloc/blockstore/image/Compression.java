package io.unibloc.blockstore.image;

import io.unibloc.blockstore.StoreException;

/** How a layer blob is compressed, derived from its media type. */
public enum Compression {
    NONE, GZIP, ZSTD;

    /** INVALID_ARGUMENT for a media type that is not a tar layer we can apply. */
    public static Compression ofMediaType(String mediaType) {
        if (mediaType == null) {
            throw StoreException.invalid("layer has no media type");
        }
        if (mediaType.endsWith("+zstd") || mediaType.endsWith(".zstd")) {
            return ZSTD;
        }
        if (mediaType.endsWith("+gzip") || mediaType.endsWith(".gzip")) {
            return GZIP;
        }
        if (mediaType.endsWith(".tar") || mediaType.equals(MediaTypes.OCI_LAYER)) {
            return NONE;
        }
        throw StoreException.invalid("unsupported layer media type '" + mediaType + "'");
    }
}
