package io.unibloc.operator.pin;

import io.unibloc.blockstore.StoreException;
import io.unibloc.blockstore.registry.ImageReference;
import io.unibloc.blockstore.registry.RegistryCredentials;

/**
 * Resolves an image reference to the manifest digest its registry serves now, with the image's labels.
 * Blocking (it talks to a registry): call it only off the reconcile threads, as {@link PinCache} does.
 * Idempotent and safe to call concurrently; a reference that is already pinned keeps its digest.
 */
public interface ImagePinner {

    /**
     * @return the reference pinned to a digest, and the labels of its config (empty when the image has none)
     * @throws StoreException INVALID_ARGUMENT (malformed reference or manifest), NOT_FOUND (no such image or
     *         tag), UNAUTHENTICATED (credentials missing or refused), UNAVAILABLE (registry unreachable after
     *         retries); the message names the image and never contains credentials
     */
    PinnedImage pin(ImageReference reference, RegistryCredentials credentials);
}
