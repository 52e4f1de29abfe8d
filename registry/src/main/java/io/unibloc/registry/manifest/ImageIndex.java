package io.unibloc.registry.manifest;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/** An OCI image index or Docker manifest list: one manifest per platform (also an OCI layout's index.json). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ImageIndex(
        int schemaVersion, String mediaType, List<Descriptor> manifests, Map<String, String> annotations) {
    public ImageIndex {
        manifests = manifests == null ? List.of() : List.copyOf(manifests);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }
}
