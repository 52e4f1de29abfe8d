package io.unibloc.blockstore.image;

import io.unibloc.registry.ref.Digest;

/**
 * One layer of a fetched image, bottom first: the compressed blob ({@code digest}, {@code size}, stored
 * in the content store) and the digest of its uncompressed tar ({@code diffId}, from the config). How it is
 * compressed is decided when it is applied ({@code layers.Compression.detect}: media type, then magic bytes).
 */
public record Layer(Digest digest, String mediaType, long size, Digest diffId) {}
