package io.unibloc.blockstore.image;

import io.unibloc.blockstore.registry.Digest;

/**
 * One layer of a fetched image, bottom first: the compressed blob ({@code digest}, {@code size}, stored
 * in the content store) and the digest of its uncompressed tar ({@code diffId}, from the config).
 */
public record Layer(Digest digest, String mediaType, long size, Digest diffId) {
    public Compression compression() {
        return Compression.ofMediaType(mediaType);
    }
}
