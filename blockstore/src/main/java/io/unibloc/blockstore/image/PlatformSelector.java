package io.unibloc.blockstore.image;

import io.unibloc.blockstore.StoreException;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/** Picks the manifest for a platform from an index; a miss is NOT_FOUND listing what there is. */
final class PlatformSelector {
    private PlatformSelector() {}

    static Descriptor select(ImageIndex index, Platform wanted, String what) {
        List<Descriptor> images = index.manifests().stream()
                .filter(d ->
                        d.platform() == null || !"unknown".equals(d.platform().os())) // attestations
                .toList();
        for (Descriptor d : images) {
            if (d.platform() != null
                    && d.platform().os() != null
                    && d.platform().architecture() != null
                    && wanted.accepts(d.platform().toPlatform())) {
                return d;
            }
        }
        // An index without platform fields (an OCI layout's index of one image) names its only image.
        if (images.size() == 1 && images.get(0).platform() == null) {
            return images.get(0);
        }
        String available = images.stream()
                .map(d -> d.platform() == null
                        ? "unspecified"
                        : d.platform().os() + "/" + d.platform().architecture()
                                + (d.platform().variant() != null
                                        ? "/" + d.platform().variant()
                                        : ""))
                .filter(Objects::nonNull)
                .distinct()
                .collect(Collectors.joining(", "));
        throw StoreException.notFound(what + " has no image for platform " + wanted + " (available: "
                + (available.isEmpty() ? "none" : available) + ")");
    }
}
