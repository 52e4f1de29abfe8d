package io.unibloc.registry.manifest;

import io.unibloc.registry.RegistryException;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Picks the manifest for a platform from an index: the one selection the engine (pulling) and the operator and CSI
 * controller (pinning) share, so that every component means the same image by the same tag. Attestation manifests
 * (BuildKit's provenance and SBOM entries) are never chosen: they are marked with the annotation
 * {@value #REFERENCE_TYPE} = {@value #ATTESTATION} and usually the platform {@code unknown/unknown}, but some tools
 * give them the image's own platform, where choosing one would hand a node a document with no layers to boot.
 */
public final class PlatformSelector {
    /** The annotation BuildKit puts on an index entry that describes another entry rather than being an image. */
    public static final String REFERENCE_TYPE = "vnd.docker.reference.type";

    public static final String ATTESTATION = "attestation-manifest";

    private PlatformSelector() {}

    /**
     * The entry of {@code index} for {@code wanted}; an index of one entry without platform fields (an OCI layout's
     * index) names its only image. Errors: NOT_FOUND naming {@code what} and the platforms there are.
     */
    public static Descriptor select(ImageIndex index, Platform wanted, String what) {
        List<Descriptor> images =
                index.manifests().stream().filter(d -> !isAttestation(d)).toList();
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
        throw RegistryException.notFound(what + " has no image for platform " + wanted + " (available: "
                + (available.isEmpty() ? "none" : available) + ")");
    }

    /** True for BuildKit's attestation entries: the annotation, or the {@code unknown} OS they are usually given. */
    static boolean isAttestation(Descriptor d) {
        return ATTESTATION.equals(d.annotations().get(REFERENCE_TYPE))
                || d.platform() != null && "unknown".equals(d.platform().os());
    }
}
