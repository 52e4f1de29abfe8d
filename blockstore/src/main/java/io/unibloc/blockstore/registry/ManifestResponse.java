package io.unibloc.blockstore.registry;

/**
 * A manifest or index as a registry served it, verified against {@code digest} (the requested digest,
 * or the hash of the bytes for a tag). {@code mediaType} is the Content-Type, which may be null.
 */
public record ManifestResponse(byte[] bytes, String mediaType, Digest digest, String servedBy) {}
