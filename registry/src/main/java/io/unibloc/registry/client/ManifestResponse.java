package io.unibloc.registry.client;

import io.unibloc.registry.ref.Digest;

/**
 * A manifest or index as a registry served it, verified against {@code digest} (the requested digest,
 * or the hash of the bytes for a tag). {@code mediaType} is the Content-Type, which may be null.
 */
public record ManifestResponse(byte[] bytes, String mediaType, Digest digest, String servedBy) {}
