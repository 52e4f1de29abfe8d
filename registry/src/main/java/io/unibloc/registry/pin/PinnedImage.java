package io.unibloc.registry.pin;

import io.unibloc.registry.ref.Digest;
import io.unibloc.registry.ref.ImageReference;
import java.util.Map;

/** An image reference with its digest, and the {@code io.unibloc.*} (and other) labels of its config. */
public record PinnedImage(ImageReference reference, Map<String, String> labels) {
    public PinnedImage {
        if (reference.pinnedDigest().isEmpty()) {
            throw new IllegalArgumentException("image " + reference + " is not pinned to a digest");
        }
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    public Digest digest() {
        return reference.digest();
    }

    /** {@code registry/repository@sha256:...}, the form the claim annotation {@code unibloc.io/image} carries. */
    public String byDigest() {
        return reference.registry() + "/" + reference.repository() + "@" + reference.digest();
    }
}
