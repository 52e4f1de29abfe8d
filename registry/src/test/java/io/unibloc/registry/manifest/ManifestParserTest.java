package io.unibloc.registry.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unibloc.registry.RegistryException;
import io.unibloc.testkit.image.Compression;
import io.unibloc.testkit.image.ImageFormat;
import io.unibloc.testkit.image.TestImage;
import io.unibloc.testkit.image.TestIndex;
import io.unibloc.testkit.image.TestLayer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ManifestParserTest {
    private final ManifestParser parser = new ManifestParser();

    @ParameterizedTest
    @EnumSource(ImageFormat.class)
    void parsesManifestAndConfigOfBothFormats(ImageFormat format) {
        TestImage img = image(1, 2, 1000, io.unibloc.testkit.image.Platform.LINUX_AMD64, format);
        ManifestParser.Document doc = parser.parse(img.bytes(), null, "m");
        assertThat(doc).isInstanceOf(ManifestParser.ManifestDoc.class);
        ImageManifest m = ((ManifestParser.ManifestDoc) doc).manifest();
        assertThat(m.layers())
                .extracting(Descriptor::digest)
                .containsExactlyElementsOf(img.digests().manifest().layerDigests());
        assertThat(m.config().digest()).isEqualTo(img.configDigest());
        ImageConfig c = parser.parseConfig(img.config(), "c");
        assertThat(c.os()).isEqualTo("linux");
        assertThat(c.architecture()).isEqualTo("amd64");
        assertThat(c.labels()).containsEntry("io.unibloc.kernel", "/boot/vmlinuz");
        assertThat(c.env()).contains("A=1");
        assertThat(c.entrypoint()).containsExactly("/bin/app");
        assertThat(c.cmd()).containsExactly("--flag");
        assertThat(c.diffIds())
                .extracting(Object::toString)
                .containsExactlyElementsOf(img.digests().manifest().diffIds());
        assertThat(m.layers())
                .extracting(Descriptor::mediaType)
                .allSatisfy(type -> assertThat(type).isIn(MediaTypes.OCI_LAYER_GZIP, MediaTypes.DOCKER_LAYER_GZIP));
    }

    @Test
    void parsesIndexAndSelectsPlatform() {
        TestImage amd = image(1, 1, 100, io.unibloc.testkit.image.Platform.LINUX_AMD64, ImageFormat.DOCKER);
        TestImage arm = image(2, 1, 100, io.unibloc.testkit.image.Platform.LINUX_ARM64, ImageFormat.DOCKER);
        TestIndex index = TestIndex.of(amd, arm);
        ImageIndex idx = ((ManifestParser.IndexDoc) parser.parse(index.bytes(), null, "i")).index();
        assertThat(PlatformSelector.select(idx, Platform.parse("linux/arm64"), "x")
                        .digest())
                .isEqualTo(arm.digest());
        assertThat(PlatformSelector.select(idx, Platform.parse("linux/arm64/v8"), "x")
                        .digest())
                .isEqualTo(arm.digest());
        assertThat(PlatformSelector.select(idx, Platform.DEFAULT, "x").digest()).isEqualTo(amd.digest());
        assertThatThrownBy(() -> PlatformSelector.select(idx, Platform.parse("linux/riscv64"), "image demo"))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(RegistryException.Kind.NOT_FOUND);
                    assertThat(e.getMessage())
                            .contains("linux/riscv64")
                            .contains("linux/amd64")
                            .contains("linux/arm64/v8");
                });
    }

    @Test
    void rejectsMalformedDocuments() {
        for (String bad : List.of(
                "[]",
                "{\"schemaVersion\":1}",
                "{\"schemaVersion\":2}",
                "{",
                "{\"schemaVersion\":2,\"config\":{\"digest\":\"md5:x\",\"size\":1},\"layers\":[]}",
                "{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:" + "a".repeat(64) + "\",\"size\":-1}}")) {
            assertThatThrownBy(() -> parser.parse(bad.getBytes(StandardCharsets.UTF_8), null, "manifest X"))
                    .as(bad)
                    .isInstanceOfSatisfying(RegistryException.class, e -> {
                        assertThat(e.kind()).isEqualTo(RegistryException.Kind.INVALID_ARGUMENT);
                        assertThat(e.getMessage()).startsWith("manifest X");
                    });
        }
    }

    @Test
    void platformParsing() {
        assertThat(Platform.parse(null)).isEqualTo(Platform.DEFAULT);
        assertThat(Platform.parse("Linux/ARM64/v8")).isEqualTo(new Platform("linux", "arm64", "v8"));
        assertThatThrownBy(() -> Platform.parse("linux")).hasMessageContaining("os/arch");
    }

    private static TestImage image(
            long seed, int layers, int bytesPerLayer, io.unibloc.testkit.image.Platform platform, ImageFormat format) {
        TestImage.Builder b = TestImage.builder()
                .platform(platform)
                .format(format)
                .label("io.unibloc.kernel", "/boot/vmlinuz")
                .env("A", "1")
                .entrypoint("/bin/app")
                .cmd("--flag");
        for (int i = 0; i < layers; i++) {
            b.layer(TestLayer.builder()
                    .file("d" + i + "/data.bin", ("layer " + seed + "/" + i + " ").repeat(bytesPerLayer / 10 + 1))
                    .build(Compression.GZIP));
        }
        return b.build();
    }
}
