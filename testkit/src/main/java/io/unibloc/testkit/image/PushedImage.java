package io.unibloc.testkit.image;

/**
 * An image or index pushed to a registry under a tag.
 *
 * @param registry {@code host:port}
 */
public record PushedImage(String registry, String repository, String tag, ImageDigests digests) {

    /** {@code host:port/repository:tag} */
    public String reference() {
        return registry + "/" + repository + ":" + tag;
    }

    /** {@code host:port/repository@sha256:…}, pinned to the top-level digest. */
    public String pinnedReference() {
        return registry + "/" + repository + "@" + digests.digest();
    }

    /** The top-level digest (manifest or index). */
    public String digest() {
        return digests.digest();
    }
}
