package io.unibloc.registry.manifest;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.unibloc.registry.RegistryException;
import io.unibloc.registry.ref.Digest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses manifests, indexes and configs; anything malformed is INVALID_ARGUMENT naming the document. */
public final class ManifestParser {
    private final ObjectMapper json =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** A parsed top-level document: a single-platform manifest or an index of them. */
    public sealed interface Document permits ManifestDoc, IndexDoc {}

    public record ManifestDoc(ImageManifest manifest) implements Document {}

    public record IndexDoc(ImageIndex index) implements Document {}

    /**
     * Parses a manifest or index. The JSON's own {@code mediaType} wins; then {@code contentType};
     * then the shape ({@code manifests} vs {@code layers}).
     */
    public Document parse(byte[] bytes, String contentType, String what) {
        JsonNode node = tree(bytes, what);
        String type = node.path("mediaType").asText(null);
        if (type == null || type.isEmpty()) {
            type = contentType;
        }
        boolean index = type != null && MediaTypes.INDEXES.contains(type)
                || (type == null || !MediaTypes.MANIFESTS.contains(type)) && node.has("manifests");
        int schema = node.path("schemaVersion").asInt(0);
        if (schema != 2) {
            throw RegistryException.invalid(what + ": unsupported schemaVersion " + schema
                    + " (only OCI and Docker schema 2 images are supported)");
        }
        try {
            if (index) {
                ImageIndex idx = json.treeToValue(node, ImageIndex.class);
                idx.manifests().forEach(d -> checkDescriptor(d, what));
                return new IndexDoc(idx);
            }
            if (!node.has("config")) {
                throw RegistryException.invalid(what + ": not an image manifest (no config)");
            }
            ImageManifest m = json.treeToValue(node, ImageManifest.class);
            checkDescriptor(m.config(), what);
            m.layers().forEach(d -> checkDescriptor(d, what));
            return new ManifestDoc(m);
        } catch (IOException e) {
            throw RegistryException.invalid(what + ": malformed JSON: " + e.getMessage());
        }
    }

    public ImageIndex parseIndex(byte[] bytes, String what) {
        JsonNode node = tree(bytes, what);
        try {
            ImageIndex idx = json.treeToValue(node, ImageIndex.class);
            idx.manifests().forEach(d -> checkDescriptor(d, what));
            return idx;
        } catch (IOException e) {
            throw RegistryException.invalid(what + ": malformed JSON: " + e.getMessage());
        }
    }

    /** Reads the fields unibloc uses from an image config blob. */
    public ImageConfig parseConfig(byte[] bytes, String what) {
        JsonNode n = tree(bytes, what);
        JsonNode c = n.path("config");
        List<Digest> diffIds = new ArrayList<>();
        for (JsonNode d : n.path("rootfs").path("diff_ids")) {
            try {
                diffIds.add(Digest.parse(d.asText()));
            } catch (RegistryException e) {
                throw RegistryException.invalid(what + ": " + e.getMessage());
            }
        }
        Map<String, String> labels = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = c.path("Labels").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            labels.put(e.getKey(), e.getValue().asText());
        }
        return new ImageConfig(
                n.path("os").asText(null),
                n.path("architecture").asText(null),
                n.path("variant").asText(null),
                labels,
                diffIds,
                strings(c.path("Env")),
                strings(c.path("Entrypoint")),
                strings(c.path("Cmd")),
                c.path("WorkingDir").asText(null),
                c.path("User").asText(null));
    }

    private static List<String> strings(JsonNode arr) {
        List<String> out = new ArrayList<>();
        for (JsonNode s : arr) {
            out.add(s.asText());
        }
        return out;
    }

    private JsonNode tree(byte[] bytes, String what) {
        try {
            JsonNode node = json.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw RegistryException.invalid(what + ": not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw RegistryException.invalid(what + ": malformed JSON: " + e.getMessage());
        }
    }

    private static void checkDescriptor(Descriptor d, String what) {
        if (d == null || d.digest() == null) {
            throw RegistryException.invalid(what + ": descriptor without digest");
        }
        try {
            d.parsedDigest();
        } catch (RegistryException e) {
            throw RegistryException.invalid(what + ": " + e.getMessage());
        }
        if (d.size() < 0) {
            throw RegistryException.invalid(what + ": descriptor " + d.digest() + " has negative size " + d.size());
        }
    }
}
