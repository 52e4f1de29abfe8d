package io.unibloc.registry.pin;

import io.unibloc.registry.RegistryException;
import io.unibloc.registry.auth.RegistryCredentials;
import io.unibloc.registry.ref.ImageReference;

/**
 * Resolves an image reference to the manifest digest its registry serves now, with the image's labels, so that
 * every node builds exactly the same bytes for one claim. The operator pins a UnikernelPod's image with it, the
 * CSI controller a claim's. Blocking (it talks to a registry): the operator calls it off its reconcile threads.
 * Idempotent and safe to call concurrently; a reference that is already pinned keeps its digest.
 */
public interface ImagePinner {

    /**
     * @return the reference pinned to a digest, and the labels of its config (empty when the image has none)
     * @throws RegistryException INVALID_ARGUMENT (malformed reference or manifest, an {@code oci:} layout, which
     *         names a directory on one machine), NOT_FOUND (no such image, tag or platform), UNAUTHENTICATED
     *         (credentials missing or refused), UNAVAILABLE (registry unreachable after retries); the message
     *         names the image and never contains credentials
     */
    PinnedImage pin(ImageReference reference, RegistryCredentials credentials);

    /**
     * Only the digest: a reference that already has one, or an {@code oci:} layout (a directory on some node, which
     * only that node can read), is returned as is without a request; a tag costs one request. The CSI controller
     * pins claims this way. Errors as {@link #pin}.
     */
    default ImageReference resolve(ImageReference reference, RegistryCredentials credentials) {
        if (reference.digest() != null || reference.isLayout()) {
            return reference;
        }
        return pin(reference, credentials).reference();
    }
}
