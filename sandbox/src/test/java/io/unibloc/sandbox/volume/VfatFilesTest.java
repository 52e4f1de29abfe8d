package io.unibloc.sandbox.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unibloc.sandbox.spec.FileProjection;
import io.unibloc.sandbox.tool.ProcessRunner;
import io.unibloc.sandbox.tool.ToolResult;
import io.unibloc.testkit.guest.GuestDisks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real FAT images made with mkfs.vfat and mcopy, read and written with mtools; nothing is mounted. */
class VfatFilesTest {

    @TempDir
    Path dir;

    private final ProcessRunner runner = new ProcessRunner();
    private final VfatFiles files = new VfatFiles(runner);
    private Path image;

    @BeforeEach
    void image() throws IOException {
        Path tree = Files.createDirectories(dir.resolve("tree/boot"));
        Files.writeString(tree.resolve("vmlinuz"), "fat kernel");
        Files.createDirectories(dir.resolve("tree/etc"));
        Files.writeString(dir.resolve("tree/etc/existing.conf"), "old");
        image = GuestDisks.vfat(dir.resolve("tree"), dir.resolve("root.vfat"), 16);
    }

    @Test
    void readsAFile() throws IOException {
        files.extract(image, "/boot/vmlinuz", dir.resolve("out"));

        assertThat(dir.resolve("out")).hasContent("fat kernel");
    }

    @Test
    void aMissingFileIsNamedWithTheDevice() {
        assertThatThrownBy(() -> files.extract(image, "/boot/nope", dir.resolve("out")))
                .isInstanceOf(VolumeException.class)
                .hasMessageContaining("/boot/nope does not exist")
                .hasMessageContaining(image.toString());
    }

    @Test
    void projectsIntoNewAndExistingDirectoriesAndReplacesFiles() throws IOException {
        Path source = Files.writeString(dir.resolve("app.conf"), "port=8080");

        files.project(
                image,
                List.of(
                        new FileProjection(source.toString(), "/etc/app/conf.d/app.conf", 0600),
                        new FileProjection(source.toString(), "/etc/existing.conf", null)));
        files.project(image, List.of(new FileProjection(source.toString(), "/etc/existing.conf", null)));

        files.extract(image, "/etc/app/conf.d/app.conf", dir.resolve("a"));
        files.extract(image, "/etc/existing.conf", dir.resolve("b"));
        assertThat(dir.resolve("a")).hasContent("port=8080");
        assertThat(dir.resolve("b")).hasContent("port=8080");
        ToolResult fsck = runner.run(List.of("fsck.vfat", "-n", image.toString()));
        assertThat(fsck.exitCode()).as(fsck.stdout()).isZero();
    }

    @Test
    void aTargetUnderAFileFailsNamingIt() throws IOException {
        Path source = Files.writeString(dir.resolve("src"), "x");

        assertThatThrownBy(() -> files.project(
                        image, List.of(new FileProjection(source.toString(), "/boot/vmlinuz/inside", null))))
                .isInstanceOf(VolumeException.class)
                .hasMessageContaining("/boot/vmlinuz/inside");
    }
}
