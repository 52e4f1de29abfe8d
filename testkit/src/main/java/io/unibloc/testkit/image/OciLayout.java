package io.unibloc.testkit.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes an artifact into an OCI image layout directory (image-spec {@code image-layout.md}), adding to an
 * existing layout rather than replacing it.
 */
final class OciLayout {
    static final String REF_NAME = "org.opencontainers.image.ref.name";
    private static final String INDEX_MEDIA_TYPE = "application/vnd.oci.image.index.v1+json";

    private OciLayout() {}

    static void write(OciArtifact artifact, Path directory, String tag) {
        if (tag == null || tag.isEmpty()) {
            throw new IllegalArgumentException("an OCI layout entry needs a non-empty tag (ref.name)");
        }
        try {
            Files.createDirectories(directory.resolve("blobs/sha256"));
            writeAtomically(
                    directory.resolve("oci-layout"),
                    "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
            for (Blob blob : artifact.blobs()) {
                Path target = directory.resolve("blobs/sha256").resolve(Digests.hex(blob.digest()));
                if (!Files.exists(target)) {
                    writeAtomically(target, blob.content());
                }
            }
            writeAtomically(directory.resolve("index.json"), index(directory, artifact, tag));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write OCI layout " + directory + " for tag " + tag, e);
        }
    }

    private static byte[] index(Path directory, OciArtifact artifact, String tag) throws IOException {
        ObjectNode root;
        Path existing = directory.resolve("index.json");
        if (Files.exists(existing)) {
            JsonNode parsed = ImageJson.MAPPER.readTree(existing.toFile());
            if (!(parsed instanceof ObjectNode node) || !node.path("manifests").isArray()) {
                throw new IllegalArgumentException(
                        "existing " + existing + " is not an OCI index; refusing to" + " overwrite it");
            }
            root = node;
        } else {
            root = ImageJson.MAPPER.createObjectNode();
            root.put("schemaVersion", 2);
            root.put("mediaType", INDEX_MEDIA_TYPE);
            root.putArray("manifests");
        }
        ArrayNode manifests = (ArrayNode) root.get("manifests");
        for (int i = manifests.size() - 1; i >= 0; i--) {
            if (tag.equals(manifests.get(i).path("annotations").path(REF_NAME).asText(null))) {
                manifests.remove(i);
            }
        }
        ObjectNode entry = manifests.addObject();
        entry.put("mediaType", artifact.mediaType());
        entry.put("digest", artifact.digest());
        entry.put("size", artifact.bytes().length);
        if (artifact instanceof TestImage image) {
            ImageJson.platform(entry.putObject("platform"), image.platform());
        }
        entry.putObject("annotations").put(REF_NAME, tag);
        return ImageJson.bytes(root);
    }

    private static void writeAtomically(Path target, byte[] content) throws IOException {
        Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        try {
            Files.write(temp, content);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
