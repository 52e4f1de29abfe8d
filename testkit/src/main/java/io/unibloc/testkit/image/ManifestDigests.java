package io.unibloc.testkit.image;

import java.util.List;

/**
 * The digests of one single-platform image.
 *
 * @param digest the manifest's digest
 * @param layerDigests blob digests, base layer first, as the manifest lists them
 * @param diffIds uncompressed-tar digests, base first, as the config's {@code rootfs.diff_ids} lists them
 */
public record ManifestDigests(
        Platform platform,
        String digest,
        String mediaType,
        String configDigest,
        List<String> layerDigests,
        List<String> diffIds) {
    public ManifestDigests {
        layerDigests = List.copyOf(layerDigests);
        diffIds = List.copyOf(diffIds);
    }
}
