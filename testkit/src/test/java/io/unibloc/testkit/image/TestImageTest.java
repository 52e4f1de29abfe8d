package io.unibloc.testkit.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TestImageTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final TestLayer BASE =
            TestLayer.builder().dir("boot").file("boot/vmlinuz", "kernel").build();
    private static final TestLayer APP =
            TestLayer.builder().file("app", "v1").whiteout("boot/old").build(Compression.ZSTD);

    @ParameterizedTest
    @EnumSource(ImageFormat.class)
    void configListsDiffIdsOfUncompressedTarsAndLabels(ImageFormat format) throws IOException {
        TestImage image = TestImage.builder()
                .format(format)
                .platform(Platform.LINUX_ARM64)
                .layers(BASE, APP)
                .label("io.unibloc.kernel", "/boot/vmlinuz")
                .env("PATH", "/bin")
                .cmd("/app")
                .build();

        JsonNode config = JSON.readTree(image.config());

        assertThat(config.path("architecture").asText()).isEqualTo("arm64");
        assertThat(config.path("variant").asText()).isEqualTo("v8");
        assertThat(config.path("os").asText()).isEqualTo("linux");
        assertThat(config.path("rootfs").path("type").asText()).isEqualTo("layers");
        assertThat(texts(config.path("rootfs").path("diff_ids")))
                .containsExactly(Digests.sha256(BASE.tar()), Digests.sha256(APP.tar()));
        assertThat(config.path("config")
                        .path("Labels")
                        .path("io.unibloc.kernel")
                        .asText())
                .isEqualTo("/boot/vmlinuz");
        assertThat(texts(config.path("config").path("Env"))).containsExactly("PATH=/bin");
        assertThat(texts(config.path("config").path("Cmd"))).containsExactly("/app");
        assertThat(image.configDigest()).isEqualTo(Digests.sha256(image.config()));
    }

    @ParameterizedTest
    @EnumSource(ImageFormat.class)
    void manifestDescribesConfigAndLayerBlobs(ImageFormat format) throws IOException {
        TestImage image = TestImage.builder().format(format).layers(BASE, APP).build();

        JsonNode manifest = JSON.readTree(image.bytes());

        assertThat(image.digest()).isEqualTo(Digests.sha256(image.bytes()));
        assertThat(manifest.path("schemaVersion").asInt()).isEqualTo(2);
        assertThat(manifest.path("mediaType").asText())
                .isEqualTo(format.manifestMediaType())
                .isEqualTo(image.mediaType());
        assertThat(manifest.path("config").path("mediaType").asText()).isEqualTo(format.configMediaType());
        assertThat(manifest.path("config").path("digest").asText()).isEqualTo(Digests.sha256(image.config()));
        assertThat(manifest.path("config").path("size").asLong()).isEqualTo(image.config().length);
        JsonNode layers = manifest.path("layers");
        assertThat(layers).hasSize(2);
        assertThat(layers.get(0).path("digest").asText()).isEqualTo(Digests.sha256(BASE.blob()));
        assertThat(layers.get(0).path("size").asLong()).isEqualTo(BASE.blob().length);
        assertThat(layers.get(0).path("mediaType").asText()).isEqualTo(Compression.GZIP.mediaType(format));
        assertThat(layers.get(1).path("digest").asText()).isEqualTo(Digests.sha256(APP.blob()));
        assertThat(layers.get(1).path("mediaType").asText()).isEqualTo("application/vnd.oci.image.layer.v1.tar+zstd");

        ManifestDigests digests = image.digests().manifest();
        assertThat(digests.digest()).isEqualTo(image.digest());
        assertThat(digests.configDigest()).isEqualTo(image.configDigest());
        assertThat(digests.layerDigests()).containsExactly(BASE.digest(), APP.digest());
        assertThat(digests.diffIds()).containsExactly(BASE.diffId(), APP.diffId());
        assertThat(image.digests().isIndex()).isFalse();
    }

    @Test
    void differentLabelsGiveDifferentConfigsButSameLayers() {
        TestImage a = TestImage.builder()
                .layer(BASE)
                .label("io.unibloc.guest", "linux")
                .build();
        TestImage b = TestImage.builder()
                .layer(BASE)
                .label("io.unibloc.guest", "unikraft")
                .build();

        assertThat(a.configDigest()).isNotEqualTo(b.configDigest());
        assertThat(a.digest()).isNotEqualTo(b.digest());
        assertThat(a.digests().manifest().layerDigests())
                .isEqualTo(b.digests().manifest().layerDigests());
    }

    @ParameterizedTest
    @EnumSource(ImageFormat.class)
    void indexListsEachPlatformManifest(ImageFormat format) throws IOException {
        TestImage amd64 = TestImage.builder()
                .format(format)
                .platform(Platform.LINUX_AMD64)
                .layer(BASE)
                .build();
        TestImage arm64 = TestImage.builder()
                .format(format)
                .platform(Platform.LINUX_ARM64)
                .layer(BASE)
                .layer(APP)
                .build();
        TestIndex index = TestIndex.of(amd64, arm64);

        JsonNode json = JSON.readTree(index.bytes());

        assertThat(index.digest()).isEqualTo(Digests.sha256(index.bytes()));
        assertThat(json.path("mediaType").asText()).isEqualTo(format.indexMediaType());
        JsonNode manifests = json.path("manifests");
        assertThat(manifests).hasSize(2);
        assertThat(manifests.get(0).path("digest").asText()).isEqualTo(amd64.digest());
        assertThat(manifests.get(0).path("size").asLong()).isEqualTo(amd64.bytes().length);
        assertThat(manifests.get(0).path("mediaType").asText()).isEqualTo(format.manifestMediaType());
        assertThat(manifests.get(0).path("platform").path("architecture").asText())
                .isEqualTo("amd64");
        assertThat(manifests.get(1).path("digest").asText()).isEqualTo(arm64.digest());
        assertThat(manifests.get(1).path("platform").path("variant").asText()).isEqualTo("v8");

        assertThat(index.digests().isIndex()).isTrue();
        assertThat(index.digests().manifest(Platform.LINUX_ARM64).layerDigests())
                .containsExactly(BASE.digest(), APP.digest());
        // The shared base layer is one blob; the index comes last, after everything it refers to.
        List<String> blobDigests = index.blobs().stream().map(Blob::digest).toList();
        assertThat(blobDigests).doesNotHaveDuplicates().endsWith(index.digest());
        assertThat(blobDigests)
                .contains(
                        BASE.digest(),
                        APP.digest(),
                        amd64.configDigest(),
                        arm64.configDigest(),
                        amd64.digest(),
                        arm64.digest());
    }

    @Test
    void indexRejectsMixedFormatsAndDuplicatePlatforms() {
        TestImage oci = TestImage.builder().layer(BASE).build();
        TestImage docker = TestImage.builder()
                .format(ImageFormat.DOCKER)
                .platform(Platform.LINUX_ARM64)
                .build();

        assertThatThrownBy(() -> TestIndex.of(oci, docker))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mixes formats");
        assertThatThrownBy(() -> TestIndex.of(oci, TestImage.builder().build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("linux/amd64");
        assertThatThrownBy(TestIndex::of).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void askingForAMissingPlatformNamesTheOnesThatExist() {
        ImageDigests digests = TestImage.builder().build().digests();

        assertThatThrownBy(() -> digests.manifest(Platform.parse("linux/riscv64")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("linux/riscv64")
                .hasMessageContaining("linux/amd64");
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asText()));
        return values;
    }
}
