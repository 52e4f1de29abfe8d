package io.unibloc.testkit.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class TestLayerTest {
    private static final Instant MTIME = Instant.parse("2023-05-06T07:08:09Z");
    private static final String LONG_NAME = "deep/" + "x".repeat(120) + "/file.txt";

    private static TestLayer.Builder everyKind() {
        return TestLayer.builder()
                .dir("etc", Attrs.defaults().mode(0750).owner(0, 42))
                .file("etc/hostname", "unibloc\n")
                .file(
                        "bin/app",
                        new byte[] {1, 2, 3},
                        Attrs.defaults()
                                .mode(04755)
                                .owner(1000, 1001)
                                .names("app", "apps")
                                .mtime(MTIME)
                                .xattr("user.origin", "testkit")
                                .xattr("security.note", "ünïcode"))
                .symlink("bin/sh", "/bin/busybox")
                .hardlink("bin/app2", "bin/app")
                .whiteout("var/cache")
                .whiteout("gone")
                .opaque("etc/conf.d")
                .file(LONG_NAME, "long");
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void tarHoldsExactlyTheGivenEntriesWithTheirMetadata(Compression compression) throws IOException {
        TestLayer layer = everyKind().build(compression);

        TarContents tar = TarContents.read(layer.blob(), compression);

        assertThat(tar.names())
                .containsExactly(
                        "etc/",
                        "etc/hostname",
                        "bin/app",
                        "bin/sh",
                        "bin/app2",
                        "var/.wh.cache",
                        ".wh.gone",
                        "etc/conf.d/.wh..wh..opq",
                        LONG_NAME);
        TarArchiveEntry etc = tar.entry("etc/");
        assertThat(etc.isDirectory()).isTrue();
        assertThat(etc.getMode() & 07777).isEqualTo(0750);
        assertThat(etc.getLongGroupId()).isEqualTo(42);

        TarArchiveEntry hostname = tar.entry("etc/hostname");
        assertThat(hostname.isFile()).isTrue();
        assertThat(hostname.getMode() & 07777).isEqualTo(0644);
        assertThat(hostname.getLastModifiedTime().toInstant()).isEqualTo(Attrs.DEFAULT_MTIME);
        assertThat(new String(tar.data("etc/hostname"), StandardCharsets.UTF_8)).isEqualTo("unibloc\n");

        TarArchiveEntry app = tar.entry("bin/app");
        assertThat(app.getMode() & 07777).isEqualTo(04755);
        assertThat(app.getLongUserId()).isEqualTo(1000);
        assertThat(app.getLongGroupId()).isEqualTo(1001);
        assertThat(app.getUserName()).isEqualTo("app");
        assertThat(app.getGroupName()).isEqualTo("apps");
        assertThat(app.getLastModifiedTime().toInstant()).isEqualTo(MTIME);
        assertThat(app.getExtraPaxHeaders())
                .containsEntry("SCHILY.xattr.user.origin", "testkit")
                .containsEntry("SCHILY.xattr.security.note", "ünïcode");
        assertThat(tar.data("bin/app")).containsExactly(1, 2, 3);

        assertThat(tar.entry("bin/sh").isSymbolicLink()).isTrue();
        assertThat(tar.entry("bin/sh").getLinkName()).isEqualTo("/bin/busybox");
        assertThat(tar.entry("bin/sh").getMode() & 07777).isEqualTo(0777);
        assertThat(tar.entry("bin/app2").isLink()).isTrue();
        assertThat(tar.entry("bin/app2").getLinkName()).isEqualTo("bin/app");
        assertThat(tar.entry("var/.wh.cache").getSize()).isZero();
        assertThat(tar.entry("etc/conf.d/.wh..wh..opq").isFile()).isTrue();
        assertThat(tar.data(LONG_NAME)).asString().isEqualTo("long");
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void diffIdCoversTheUncompressedTarAndDigestTheBlob(Compression compression) throws IOException {
        TestLayer layer = everyKind().build(compression);

        assertThat(layer.diffId()).isEqualTo(Digests.sha256(layer.tar()));
        assertThat(layer.digest()).isEqualTo(Digests.sha256(layer.blob()));
        assertThat(layer.size()).isEqualTo(layer.blob().length);
        byte[] decompressed = LayerBlobs.decompress(layer.blob(), compression);
        assertThat(Digests.sha256(decompressed)).isEqualTo(layer.diffId());
        if (compression == Compression.NONE) {
            assertThat(layer.digest()).isEqualTo(layer.diffId());
        } else {
            assertThat(layer.digest()).isNotEqualTo(layer.diffId());
        }
    }

    @Test
    void sameEntriesGiveSameDigestsAndAnyChangeGivesNewOnes() {
        assertThat(everyKind().build().digest()).isEqualTo(everyKind().build().digest());
        assertThat(everyKind().build(Compression.ZSTD).digest())
                .isEqualTo(everyKind().build(Compression.ZSTD).digest());
        assertThat(everyKind().file("extra", "").build().diffId())
                .isNotEqualTo(everyKind().build().diffId());
        assertThat(TestLayer.builder()
                        .file("a", "x", Attrs.defaults().mode(0600))
                        .build()
                        .diffId())
                .isNotEqualTo(TestLayer.builder().file("a", "x").build().diffId());
        // Same tar, different compression: same diff id, different blob digest.
        assertThat(everyKind().build(Compression.GZIP).diffId())
                .isEqualTo(everyKind().build(Compression.ZSTD).diffId());
    }

    @Test
    void mediaTypesFollowCompressionAndFormat() {
        assertThat(TestLayer.builder().build(Compression.GZIP).mediaType(ImageFormat.OCI))
                .isEqualTo("application/vnd.oci.image.layer.v1.tar+gzip");
        assertThat(TestLayer.builder().build(Compression.ZSTD).mediaType(ImageFormat.OCI))
                .isEqualTo("application/vnd.oci.image.layer.v1.tar+zstd");
        assertThat(TestLayer.builder().build(Compression.NONE).mediaType(ImageFormat.OCI))
                .isEqualTo("application/vnd.oci.image.layer.v1.tar");
        assertThat(TestLayer.builder().build(Compression.GZIP).mediaType(ImageFormat.DOCKER))
                .isEqualTo("application/vnd.docker.image.rootfs.diff.tar.gzip");
        assertThat(TestLayer.builder().build(Compression.NONE).mediaType(ImageFormat.DOCKER))
                .isEqualTo("application/vnd.docker.image.rootfs.diff.tar");
    }

    @Test
    void hostileEntriesAreWrittenVerbatim() throws IOException {
        TestLayer layer = TestLayer.builder()
                .rawFile("../escape", "x".getBytes(StandardCharsets.UTF_8))
                .rawFile("/etc/passwd", "root::0:0::/:/bin/sh".getBytes(StandardCharsets.UTF_8))
                .rawSymlink("evil", "/etc")
                .file("evil/shadow", "through the link")
                .rawHardlink("h", "/etc/shadow")
                .charDevice("dev/mem", 1, 1)
                .blockDevice("dev/sda", 8, 0)
                .fifo("run/pipe")
                .build(Compression.NONE);

        TarContents tar = TarContents.read(layer.blob(), Compression.NONE);

        assertThat(tar.names())
                .containsExactly(
                        "../escape", "/etc/passwd", "evil", "evil/shadow", "h", "dev/mem", "dev/sda", "run/pipe");
        assertThat(tar.entry("evil").getLinkName()).isEqualTo("/etc");
        assertThat(tar.entry("h").getLinkName()).isEqualTo("/etc/shadow");
        assertThat(tar.entry("dev/mem").isCharacterDevice()).isTrue();
        assertThat(tar.entry("dev/mem").getDevMajor()).isEqualTo(1);
        assertThat(tar.entry("dev/sda").isBlockDevice()).isTrue();
        assertThat(tar.entry("dev/sda").getDevMajor()).isEqualTo(8);
        assertThat(tar.entry("run/pipe").isFIFO()).isTrue();
    }

    @Test
    void truncatedFileEndsTheArchiveInsideItsData() throws IOException {
        TestLayer layer = TestLayer.builder()
                .file("ok", "fine")
                .truncatedFile("big", 1 << 20, "only this".getBytes(StandardCharsets.UTF_8))
                .build(Compression.NONE);

        // Header records of "ok" (512 + 512 data) + header of "big" + 9 bytes, nothing after.
        assertThat(layer.tar()).hasSize(512 + 512 + 512 + 9);
        assertThatThrownBy(() -> TarContents.read(layer.blob(), Compression.NONE))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("runcated");
    }

    @Test
    void absurdDeclaredSizeIsReadBackAsDeclared() throws IOException {
        TestLayer layer = TestLayer.builder()
                .truncatedFile("huge", 1L << 40, new byte[] {7})
                .build(Compression.NONE);

        try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
                new java.io.ByteArrayInputStream(layer.tar()))) {
            TarArchiveEntry entry = tar.getNextEntry();
            assertThat(entry.getName()).isEqualTo("huge");
            assertThat(entry.getSize()).isEqualTo(1L << 40);
            assertThatThrownBy(tar::readAllBytes).isInstanceOf(IOException.class);
        }
    }

    @Test
    void fileContentCanComeFromTheHost(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws IOException {
        java.nio.file.Path kernel = java.nio.file.Files.write(dir.resolve("vmlinuz"), new byte[] {9, 8, 7});

        TestLayer layer = TestLayer.builder().file("boot/vmlinuz", kernel).build(Compression.NONE);

        assertThat(TarContents.read(layer.blob(), Compression.NONE).data("boot/vmlinuz"))
                .containsExactly(9, 8, 7);
        assertThatThrownBy(() -> TestLayer.builder().file("x", dir.resolve("missing")))
                .isInstanceOf(java.io.UncheckedIOException.class)
                .hasMessageContaining("missing");
    }

    @Test
    void nothingMayFollowATruncatedFile() {
        TestLayer.Builder builder = TestLayer.builder().truncatedFile("big", 100, new byte[1]);

        assertThatThrownBy(() -> builder.file("after", "x"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("after")
                .hasMessageContaining("truncated");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "/abs", "a/../b", "a//b", "./a", "", "/"})
    void ordinaryMethodsRejectHostilePaths(String path) {
        assertThatThrownBy(() -> TestLayer.builder().file(path, "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + path + "'")
                .hasMessageContaining("raw");
        assertThatThrownBy(() -> TestLayer.builder().hardlink("ok", path)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void attrsRejectNonPermissionModeBits() {
        assertThatThrownBy(() -> Attrs.defaults().mode(0100644))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0100644");
    }
}
