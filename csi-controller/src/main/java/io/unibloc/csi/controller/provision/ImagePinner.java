package io.unibloc.csi.controller.provision;

import io.unibloc.blockstore.registry.ImageReference;
import io.unibloc.blockstore.registry.RegistryCredentials;

/**
 * Resolves a tag to the digest the registry serves now, so every node builds exactly the same image.
 * A reference that already has a digest is returned as is without a request. Errors are
 * {@link io.unibloc.blockstore.StoreException}s: NOT_FOUND, UNAUTHENTICATED, UNAVAILABLE, INVALID_ARGUMENT.
 */
@FunctionalInterface
public interface ImagePinner {
    ImageReference pin(ImageReference reference, RegistryCredentials credentials);
}
