package io.unibloc.registry.manifest;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.unibloc.registry.ref.Digest;
import java.util.List;
import java.util.Map;

/** An OCI content descriptor: what a manifest or index says about one blob. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Descriptor(
        String mediaType,
        String digest,
        long size,
        DescriptorPlatform platform,
        Map<String, String> annotations,
        List<String> urls) {

    public Descriptor {
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        urls = urls == null ? List.of() : List.copyOf(urls);
    }

    /** The digest, parsed; INVALID_ARGUMENT when malformed. */
    public Digest parsedDigest() {
        return Digest.parse(digest);
    }

    /** The platform field of an index entry, as OCI spells it. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DescriptorPlatform(String architecture, String os, String variant) {
        public Platform toPlatform() {
            return new Platform(os, architecture, variant);
        }
    }
}
