package io.unibloc.testkit.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Renders image configs, manifests and indexes as compact JSON with a fixed field order, so that the same input
 * always gives the same bytes and digests.
 */
final class ImageJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private ImageJson() {}

    static byte[] config(
            Platform platform,
            Instant created,
            Map<String, String> labels,
            List<String> env,
            List<String> entrypoint,
            List<String> cmd,
            List<String> diffIds) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("created", created.toString());
        root.put("architecture", platform.architecture());
        if (platform.variant() != null) {
            root.put("variant", platform.variant());
        }
        root.put("os", platform.os());
        ObjectNode config = root.putObject("config");
        if (!env.isEmpty()) {
            strings(config.putArray("Env"), env);
        }
        if (!entrypoint.isEmpty()) {
            strings(config.putArray("Entrypoint"), entrypoint);
        }
        if (!cmd.isEmpty()) {
            strings(config.putArray("Cmd"), cmd);
        }
        if (!labels.isEmpty()) {
            ObjectNode labelNode = config.putObject("Labels");
            labels.forEach(labelNode::put);
        }
        ObjectNode rootfs = root.putObject("rootfs");
        rootfs.put("type", "layers");
        strings(rootfs.putArray("diff_ids"), diffIds);
        ArrayNode history = root.putArray("history");
        for (int i = 0; i < diffIds.size(); i++) {
            history.addObject().put("created", created.toString()).put("created_by", "unibloc testkit layer " + i);
        }
        return bytes(root);
    }

    static byte[] manifest(ImageFormat format, Blob config, List<Blob> layers) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("schemaVersion", 2);
        root.put("mediaType", format.manifestMediaType());
        descriptor(root.putObject("config"), config);
        ArrayNode layerArray = root.putArray("layers");
        layers.forEach(layer -> descriptor(layerArray.addObject(), layer));
        return bytes(root);
    }

    static byte[] index(ImageFormat format, List<TestImage> images) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("schemaVersion", 2);
        root.put("mediaType", format.indexMediaType());
        ArrayNode manifests = root.putArray("manifests");
        for (TestImage image : images) {
            ObjectNode entry = manifests.addObject();
            descriptor(entry, image.manifestBlob());
            platform(entry.putObject("platform"), image.platform());
        }
        return bytes(root);
    }

    static void descriptor(ObjectNode node, Blob blob) {
        node.put("mediaType", blob.mediaType());
        node.put("digest", blob.digest());
        node.put("size", blob.size());
    }

    static void platform(ObjectNode node, Platform platform) {
        node.put("architecture", platform.architecture());
        node.put("os", platform.os());
        if (platform.variant() != null) {
            node.put("variant", platform.variant());
        }
    }

    static byte[] bytes(ObjectNode node) {
        try {
            return MAPPER.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON built in memory", e);
        }
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
