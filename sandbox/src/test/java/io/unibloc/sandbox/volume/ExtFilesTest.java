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

/** Real ext4 images made with mkfs.ext4 -d, read and written with debugfs; nothing is mounted. */
class ExtFilesTest {

    private static final String LONG_NAME = "vmlinuz-" + "x".repeat(70);

    @TempDir
    Path dir;

    private final ProcessRunner runner = new ProcessRunner();
    private ExtFiles files;
    private Path image;

    @BeforeEach
    void image() throws IOException {
        files = new ExtFiles(runner, dir);
        Path tree = Files.createDirectories(dir.resolve("tree"));
        Files.createDirectories(tree.resolve("boot"));
        Files.createDirectories(tree.resolve("etc"));
        Files.writeString(tree.resolve("boot/vmlinuz-1"), "kernel bytes");
        Files.writeString(tree.resolve("boot/" + LONG_NAME), "long kernel");
        Files.createSymbolicLink(tree.resolve("boot/vmlinuz"), Path.of("vmlinuz-1"));
        Files.createSymbolicLink(tree.resolve("vmlinuz"), Path.of("/boot/vmlinuz"));
        Files.createSymbolicLink(tree.resolve("long"), Path.of("/boot/" + LONG_NAME));
        Files.createSymbolicLink(tree.resolve("loop1"), Path.of("loop2"));
        Files.createSymbolicLink(tree.resolve("loop2"), Path.of("loop1"));
        Files.writeString(tree.resolve("etc/existing.conf"), "old");
        image = GuestDisks.ext4(tree, dir.resolve("root.ext4"), 16);
    }

    @Test
    void readsARegularFile() throws IOException {
        Path out = dir.resolve("out");

        files.extract(image, "/boot/vmlinuz-1", out);

        assertThat(out).hasContent("kernel bytes");
    }

    @Test
    void followsRelativeAbsoluteAndChainedSymbolicLinks() throws IOException {
        files.extract(image, "/boot/vmlinuz", dir.resolve("a"));
        files.extract(image, "/vmlinuz", dir.resolve("b"));

        assertThat(dir.resolve("a")).hasContent("kernel bytes");
        assertThat(dir.resolve("b")).hasContent("kernel bytes");
    }

    @Test
    void followsALinkWhoseTargetDoesNotFitInTheInode() throws IOException {
        files.extract(image, "/long", dir.resolve("out"));

        assertThat(dir.resolve("out")).hasContent("long kernel");
        assertThat(dir.resolve("out.link")).doesNotExist();
    }

    @Test
    void aMissingFileIsNamedWithTheDevice() {
        assertThatThrownBy(() -> files.extract(image, "/boot/nope", dir.resolve("out")))
                .isInstanceOf(VolumeException.class)
                .hasMessageContaining("/boot/nope does not exist")
                .hasMessageContaining(image.toString());
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void aDirectoryOrALinkLoopIsNotAFile() {
        assertThatThrownBy(() -> files.extract(image, "/etc", dir.resolve("out")))
                .isInstanceOf(VolumeException.class)
                .hasMessageContaining("is a directory");
        assertThatThrownBy(() -> files.extract(image, "/loop1", dir.resolve("out")))
                .isInstanceOf(VolumeException.class)
                .hasMessageContaining("symbolic links");
    }

    @Test
    void somethingThatIsNotExtIsAClearError() throws IOException {
        Path zeros = dir.resolve("zeros");
        Files.write(zeros, new byte[1 << 20]);

        assertThatThrownBy(() -> files.extract(zeros, "/boot/vmlinuz", dir.resolve("out")))
                .isInstanceOf(VolumeException.class)
                .hasMessageContaining("cannot read the ext filesystem on " + zeros);
    }

    @Test
    void projectsNewFilesCreatingParentsWithModeAndRootOwner() throws IOException {
        Path source = Files.writeString(dir.resolve("app.conf"), "port=8080\n");

        files.project(
                image,
                List.of(
                        new FileProjection(source.toString(), "/etc/app/conf.d/app.conf", 0600),
                        new FileProjection(source.toString(), "/srv/other", null)));

        files.extract(image, "/etc/app/conf.d/app.conf", dir.resolve("back"));
        assertThat(dir.resolve("back")).hasContent("port=8080");
        String stat = debugfs("stat /etc/app/conf.d/app.conf");
        assertThat(stat).contains("Mode:  0600").containsPattern("User: +0 +Group: +0");
        assertThat(debugfs("stat /srv/other")).contains("Mode:  0644");
        assertConsistent();
    }

    @Test
    void replacesAnExistingFileAndRepeatingGivesTheSameResult() throws IOException {
        Path source = Files.writeString(dir.resolve("new.conf"), "new content");
        List<FileProjection> projection = List.of(new FileProjection(source.toString(), "/etc/existing.conf", 0640));

        files.project(image, projection);
        files.project(image, projection);

        files.extract(image, "/etc/existing.conf", dir.resolve("back"));
        assertThat(dir.resolve("back")).hasContent("new content");
        assertThat(debugfs("stat /etc/existing.conf")).contains("Mode:  0640");
        assertConsistent();
    }

    @Test
    void anUnreadableSourceStopsBeforeAnythingIsWritten() throws IOException {
        Path good = Files.writeString(dir.resolve("good"), "x");

        assertThatThrownBy(() -> files.project(
                        image,
                        List.of(
                                new FileProjection(good.toString(), "/etc/good", null),
                                new FileProjection(dir.resolve("missing").toString(), "/etc/bad", null))))
                .isInstanceOf(VolumeException.class)
                .hasMessageContaining("missing")
                .hasMessageContaining("/etc/bad");
        assertThat(debugfs("stat /etc/good")).doesNotContain("Type: regular");
    }

    @Test
    void aTargetThatIsADirectoryOrUnderAFileFailsNamingItAndLeavesTheFilesystemIntact() throws IOException {
        Path source = Files.writeString(dir.resolve("src"), "x");

        assertThatThrownBy(() -> files.project(image, List.of(new FileProjection(source.toString(), "/etc", null))))
                .isInstanceOf(VolumeException.class)
                .hasMessageContaining("to /etc on " + image)
                .hasMessageContaining("a directory is there");
        assertThatThrownBy(() -> files.project(
                        image, List.of(new FileProjection(source.toString(), "/etc/existing.conf/inside", null))))
                .isInstanceOf(VolumeException.class)
                .hasMessageContaining("/etc/existing.conf is a regular, not a directory");
        assertConsistent();
    }

    @Test
    void manyFilesUnderNewAndExistingDirectoriesInOneGo() throws IOException {
        Path source = Files.writeString(dir.resolve("src"), "many");

        files.project(
                image,
                List.of(
                        new FileProjection(source.toString(), "/new/a/one", null),
                        new FileProjection(source.toString(), "/new/a/two", null),
                        new FileProjection(source.toString(), "/etc/three", null),
                        new FileProjection(source.toString(), "/new/b/four", null)));

        for (String target : List.of("/new/a/one", "/new/a/two", "/etc/three", "/new/b/four")) {
            files.extract(image, target, dir.resolve("back"));
            assertThat(dir.resolve("back")).as(target).hasContent("many");
        }
        assertConsistent();
    }

    private String debugfs(String request) throws IOException {
        ToolResult result = runner.run(List.of("debugfs", "-R", request, image.toString()));
        return result.stdout() + result.stderr();
    }

    private void assertConsistent() throws IOException {
        ToolResult fsck = runner.run(List.of("e2fsck", "-fn", image.toString()));
        assertThat(fsck.exitCode()).as(fsck.stdout() + fsck.stderr()).isZero();
    }
}
