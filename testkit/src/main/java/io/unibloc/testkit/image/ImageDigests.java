package io.unibloc.testkit.image;

import java.util.List;

/**
 * Every digest of a published image or index, for comparing with what a puller saw.
 *
 * @param digest the top-level digest: the manifest's for a single image, the index's for a multi-platform one
 * @param mediaType the top-level media type
 * @param manifests one entry per platform manifest (exactly one for a single image)
 */
public record ImageDigests(String digest, String mediaType, List<ManifestDigests> manifests) {
    public ImageDigests {
        manifests = List.copyOf(manifests);
    }

    /** Whether the top level is an index (or Docker manifest list). */
    public boolean isIndex() {
        return mediaType.equals(ImageFormat.OCI.indexMediaType())
                || mediaType.equals(ImageFormat.DOCKER.indexMediaType());
    }

    /** The digests of the manifest for {@code platform}; {@link IllegalArgumentException} if there is none. */
    public ManifestDigests manifest(Platform platform) {
        return manifests.stream()
                .filter(m -> m.platform().equals(platform))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no manifest for platform " + platform + " in " + digest
                        + "; platforms: "
                        + manifests.stream().map(ManifestDigests::platform).toList()));
    }

    /** The only manifest of a single-platform image; {@link IllegalStateException} for a multi-platform one. */
    public ManifestDigests manifest() {
        if (manifests.size() != 1) {
            throw new IllegalStateException(digest + " has " + manifests.size() + " manifests; pick one by platform");
        }
        return manifests.get(0);
    }
}
