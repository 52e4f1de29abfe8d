package io.unibloc.testkit.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciLayoutTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final TestLayer base =
            TestLayer.builder().dir("etc").file("etc/os-release", "ID=test\n").build();
    private final TestLayer top =
            TestLayer.builder().file("app", "v1", Attrs.defaults().mode(0755)).build(Compression.ZSTD);

    @Test
    void multiPlatformIndexIsWrittenAndReadsBackWithMatchingDigests() throws IOException {
        TestIndex index = TestIndex.of(
                TestImage.builder()
                        .platform(Platform.LINUX_AMD64)
                        .layers(base, top)
                        .build(),
                TestImage.builder().platform(Platform.LINUX_ARM64).layers(base).build());

        ImageDigests written = index.writeLayout(dir, "1.0");

        assertThat(JSON.readTree(dir.resolve("oci-layout").toFile())
                        .path("imageLayoutVersion")
                        .asText())
                .isEqualTo("1.0.0");
        JsonNode entry = onlyEntry(dir, "1.0");
        assertThat(entry.path("mediaType").asText()).isEqualTo(ImageFormat.OCI.indexMediaType());
        assertThat(entry.path("digest").asText()).isEqualTo(written.digest());

        // Follow the layout like a reader would, verifying every blob by its content.
        JsonNode indexJson = JSON.readTree(verifiedBlob(
                dir, entry.path("digest").asText(), entry.path("size").asLong()));
        assertThat(indexJson.path("manifests")).hasSize(2);
        JsonNode amd64 = indexJson.path("manifests").get(0);
        assertThat(amd64.path("platform").path("architecture").asText()).isEqualTo("amd64");
        ManifestDigests expected = written.manifest(Platform.LINUX_AMD64);
        assertThat(amd64.path("digest").asText()).isEqualTo(expected.digest());
        JsonNode manifest = JSON.readTree(verifiedBlob(
                dir, amd64.path("digest").asText(), amd64.path("size").asLong()));
        JsonNode config = JSON.readTree(verifiedBlob(
                dir,
                manifest.path("config").path("digest").asText(),
                manifest.path("config").path("size").asLong()));
        assertThat(manifest.path("config").path("digest").asText()).isEqualTo(expected.configDigest());
        List<String> layerDigests = new ArrayList<>();
        List<String> diffIds = new ArrayList<>();
        for (JsonNode layer : manifest.path("layers")) {
            byte[] blob = verifiedBlob(
                    dir, layer.path("digest").asText(), layer.path("size").asLong());
            layerDigests.add(layer.path("digest").asText());
            Compression compression =
                    layer.path("mediaType").asText().endsWith("zstd") ? Compression.ZSTD : Compression.GZIP;
            diffIds.add(Digests.sha256(LayerBlobs.decompress(blob, compression)));
        }
        assertThat(layerDigests).isEqualTo(expected.layerDigests());
        assertThat(diffIds).isEqualTo(expected.diffIds());
        List<String> configDiffIds = new ArrayList<>();
        config.path("rootfs").path("diff_ids").forEach(n -> configDiffIds.add(n.asText()));
        assertThat(configDiffIds).isEqualTo(diffIds);
        // 2 layers + 2 configs + 2 manifests + index, nothing else and no temp files.
        try (Stream<Path> blobs = Files.list(dir.resolve("blobs/sha256"))) {
            assertThat(blobs).hasSize(7);
        }
    }

    @Test
    void secondTagIsAddedAndSameTagIsReplaced() throws IOException {
        TestImage v1 = TestImage.builder().layer(base).build();
        TestImage v2 = TestImage.builder().layers(base, top).build();

        v1.writeLayout(dir, "v1");
        v1.writeLayout(dir, "latest");
        v2.writeLayout(dir, "latest");

        JsonNode manifests = JSON.readTree(dir.resolve("index.json").toFile()).path("manifests");
        assertThat(manifests).hasSize(2);
        assertThat(onlyEntry(dir, "v1").path("digest").asText()).isEqualTo(v1.digest());
        assertThat(onlyEntry(dir, "latest").path("digest").asText()).isEqualTo(v2.digest());
        assertThat(onlyEntry(dir, "latest").path("platform").path("os").asText())
                .isEqualTo("linux");
    }

    @Test
    void refusesToOverwriteSomethingThatIsNotAnIndex() throws IOException {
        Files.writeString(dir.resolve("index.json"), "[1,2,3]");

        assertThatThrownBy(() -> TestImage.builder().build().writeLayout(dir, "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("index.json");
        assertThat(Files.readString(dir.resolve("index.json"))).isEqualTo("[1,2,3]");
    }

    private static JsonNode onlyEntry(Path dir, String tag) throws IOException {
        List<JsonNode> matches = new ArrayList<>();
        JSON.readTree(dir.resolve("index.json").toFile()).path("manifests").forEach(m -> {
            if (tag.equals(m.path("annotations")
                    .path("org.opencontainers.image.ref.name")
                    .asText())) {
                matches.add(m);
            }
        });
        assertThat(matches).as("index.json entries tagged %s", tag).hasSize(1);
        return matches.get(0);
    }

    private static byte[] verifiedBlob(Path dir, String digest, long size) throws IOException {
        byte[] content = Files.readAllBytes(dir.resolve("blobs/sha256").resolve(digest.substring("sha256:".length())));
        assertThat(Digests.sha256(content)).as("content of blob %s", digest).isEqualTo(digest);
        assertThat((long) content.length).as("size of blob %s", digest).isEqualTo(size);
        return content;
    }
}
