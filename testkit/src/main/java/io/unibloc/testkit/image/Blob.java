package io.unibloc.testkit.image;

/**
 * One content-addressed piece of an image (layer, config, manifest or index) with the media type its descriptor
 * states.
 *
 * @param content the bytes; shared, not copied: do not modify
 */
public record Blob(String digest, String mediaType, byte[] content) {
    /** Wraps content, computing its digest. */
    static Blob of(String mediaType, byte[] content) {
        return new Blob(Digests.sha256(content), mediaType, content);
    }

    public long size() {
        return content.length;
    }
}
