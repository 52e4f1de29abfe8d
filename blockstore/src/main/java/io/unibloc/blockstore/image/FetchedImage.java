package io.unibloc.blockstore.image;

import io.unibloc.registry.manifest.ImageConfig;
import io.unibloc.registry.manifest.Platform;
import io.unibloc.registry.ref.Digest;
import io.unibloc.registry.ref.ImageReference;
import java.util.List;

/**
 * An image whose manifest, config and every layer blob are verified in the content store.
 * {@code pinned} is the reference pinned to the digest the caller's tag resolved to (an index digest
 * for multi-platform images); {@code manifestDigest} is the chosen platform's manifest.
 */
public record FetchedImage(
        ImageReference pinned,
        Digest manifestDigest,
        Digest configDigest,
        Platform platform,
        ImageConfig config,
        List<Layer> layers) {
    public FetchedImage {
        layers = List.copyOf(layers);
    }

    /** Compressed bytes of all layers. */
    public long layerBytes() {
        return layers.stream().mapToLong(Layer::size).sum();
    }
}
