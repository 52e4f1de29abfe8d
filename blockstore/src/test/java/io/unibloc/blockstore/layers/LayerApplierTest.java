package io.unibloc.blockstore.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unibloc.blockstore.fs.Xattrs;
import io.unibloc.types.ErrorKind;
import io.unibloc.types.StoreException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The OCI changeset rules, applied to a plain directory (the base-layer case). */
class LayerApplierTest {
    @TempDir
    Path tmp;

    private final LayerApplier applier = new LayerApplier(LayerLimits.DEFAULT);

    private Path root() throws Exception {
        return Files.createDirectories(tmp.resolve("root"));
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void appliesFilesDirsLinksModesOwnersTimesAndXattrs(Compression compression) throws Exception {
        Path root = root();
        LayerSource layer = new TarFixture()
                .dir("etc", 0755)
                .file(
                        "etc/app.conf",
                        "x=1\n".getBytes(StandardCharsets.UTF_8),
                        04750,
                        1000,
                        2000,
                        Map.of("user.origin", "layer-one"))
                .symlink("etc/link", "app.conf")
                .hardlink("etc/hard", "etc/app.conf")
                .fifo("etc/pipe")
                .file("implicit/parent/file", "deep")
                .write(tmp.resolve("blobs"), compression);

        ApplyReport report = applier.apply(layer, root);

        Path conf = root.resolve("etc/app.conf");
        assertThat(Files.readString(conf)).isEqualTo("x=1\n");
        assertThat(Files.getAttribute(conf, "unix:mode")).isEqualTo(0104750);
        assertThat(Files.getAttribute(conf, "unix:uid")).isEqualTo(1000);
        assertThat(Files.getAttribute(conf, "unix:gid")).isEqualTo(2000);
        assertThat(Files.getLastModifiedTime(conf).toInstant()).isEqualTo(TarFixture.MTIME);
        assertThat(Files.getLastModifiedTime(root.resolve("etc")).toInstant()).isEqualTo(TarFixture.MTIME);
        assertThat(Xattrs.get(conf, "user.origin")).hasValue("layer-one".getBytes(StandardCharsets.UTF_8));
        assertThat(Files.readSymbolicLink(root.resolve("etc/link"))).isEqualTo(Path.of("app.conf"));
        assertThat(Files.isSameFile(conf, root.resolve("etc/hard"))).isTrue();
        assertThat(Files.getAttribute(conf, "unix:nlink")).isEqualTo(2);
        assertThat(Files.readAttributes(root.resolve("etc/pipe"), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                        .isOther())
                .isTrue();
        assertThat(Files.readString(root.resolve("implicit/parent/file"))).isEqualTo("deep");
        assertThat(report.entries()).isEqualTo(6);
        assertThat(report.fileBytes()).isEqualTo(8);
        assertThat(report.skipped()).isEmpty();
    }

    @Test
    void whiteoutsAndOpaqueDirectoriesHideOnlyLowerLayers() throws Exception {
        Path root = root();
        applier.apply(
                new TarFixture()
                        .file("keep", "k")
                        .file("gone", "g")
                        .file("dir/old1", "1")
                        .file("dir/old2", "2")
                        .file("other/a", "a")
                        .symlink("lnk", "/etc/passwd")
                        .write(tmp.resolve("b1"), Compression.GZIP),
                root);

        applier.apply(
                new TarFixture()
                        .whiteout("gone")
                        .whiteout("other")
                        .whiteout("lnk")
                        .whiteout("never-existed")
                        .dir("dir", 0700)
                        .file("dir/new", "n")
                        .opaque("dir")
                        .file("same", "s")
                        .whiteout("same")
                        .write(tmp.resolve("b2"), Compression.GZIP),
                root);

        assertThat(root.resolve("keep")).exists();
        assertThat(root.resolve("gone")).doesNotExist();
        assertThat(root.resolve("other")).doesNotExist();
        assertThat(root.resolve("lnk")).doesNotExist();
        assertThat(Files.exists(root.resolve("lnk"), LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(root.resolve("dir/old1")).doesNotExist();
        assertThat(root.resolve("dir/old2")).doesNotExist();
        assertThat(Files.readString(root.resolve("dir/new"))).isEqualTo("n");
        assertThat(root.resolve("same"))
                .as("a whiteout never hides its own layer's entry")
                .exists();
        assertThat(Files.list(root).map(p -> p.getFileName().toString())).doesNotContain(".wh.gone", ".wh.same");
        assertThat(Files.getAttribute(root.resolve("dir"), "unix:mode")).isEqualTo(040700);
    }

    @Test
    void replacesLinksInsteadOfWritingThroughThem() throws Exception {
        Path root = root();
        Path outside = Files.writeString(tmp.resolve("outside"), "host");
        applier.apply(
                new TarFixture()
                        .file("target", "t")
                        .hardlink("hl", "target")
                        .symlink("sl", outside.toString())
                        .write(tmp.resolve("b1"), Compression.NONE),
                root);
        applier.apply(
                new TarFixture().file("hl", "new").file("sl", "new").write(tmp.resolve("b2"), Compression.NONE), root);

        assertThat(Files.readString(root.resolve("target")))
                .as("the other name of the hard link")
                .isEqualTo("t");
        assertThat(Files.readString(outside)).isEqualTo("host");
        assertThat(Files.isSymbolicLink(root.resolve("sl"))).isFalse();
        assertThat(Files.readString(root.resolve("sl"))).isEqualTo("new");
    }

    @Test
    void replacesADirectoryByAFileAndAFileByADirectory() throws Exception {
        Path root = root();
        applier.apply(
                new TarFixture().file("a/x", "1").file("b", "2").write(tmp.resolve("b1"), Compression.NONE), root);
        applier.apply(
                new TarFixture()
                        .file("a", "file")
                        .dir("b", 0755)
                        .file("b/y", "3")
                        .write(tmp.resolve("b2"), Compression.NONE),
                root);
        assertThat(Files.readString(root.resolve("a"))).isEqualTo("file");
        assertThat(Files.readString(root.resolve("b/y"))).isEqualTo("3");
    }

    @Test
    void followsARelativeSymlinkThatStaysInside() throws Exception {
        Path root = root();
        applier.apply(
                new TarFixture()
                        .dir("usr/lib", 0755)
                        .symlink("lib", "usr/lib")
                        .file("lib/x.so", "so")
                        .write(tmp.resolve("b1"), Compression.NONE),
                root);
        assertThat(Files.readString(root.resolve("usr/lib/x.so"))).isEqualTo("so");
    }

    @Test
    void skipsDeviceNodesWithAWarning() throws Exception {
        Path root = root();
        ApplyReport report = applier.apply(
                new TarFixture().charDevice("dev/null").file("ok", "1").write(tmp.resolve("b"), Compression.NONE),
                root);
        assertThat(root.resolve("dev/null")).doesNotExist();
        assertThat(root.resolve("ok")).exists();
        assertThat(report.skipped()).containsExactly("dev/null: device node");
    }

    @Test
    void refusesAMediaTypeThatContradictsTheBlob() throws Exception {
        LayerSource plain = new TarFixture().file("a", "1").write(tmp.resolve("b"), Compression.NONE);
        LayerSource lying = new LayerSource(
                plain.digest(), TarFixture.mediaType(Compression.GZIP), plain.declaredSize(), plain.blob());
        assertThatThrownBy(() -> applier.apply(lying, root()))
                .isInstanceOfSatisfying(
                        StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
                .hasMessageContaining(plain.digest().toString())
                .hasMessageContaining("says gzip");
    }
}
