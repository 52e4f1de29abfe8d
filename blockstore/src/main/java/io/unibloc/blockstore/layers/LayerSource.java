package io.unibloc.blockstore.layers;

import io.unibloc.registry.ref.Digest;
import java.nio.file.Path;

/**
 * One layer blob to apply: its digest (for errors and logs), its media type, the size the manifest
 * declared (0 when unknown) and where the verified blob lies.
 */
public record LayerSource(Digest digest, String mediaType, long declaredSize, Path blob) {}
