package io.unibloc.registry.manifest;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/** An OCI image manifest or Docker v2 schema 2 manifest: one config and the layers, bottom first. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ImageManifest(
        int schemaVersion,
        String mediaType,
        Descriptor config,
        List<Descriptor> layers,
        Map<String, String> annotations) {
    public ImageManifest {
        layers = layers == null ? List.of() : List.copyOf(layers);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }
}
