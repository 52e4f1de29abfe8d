package io.unibloc.testkit.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Makes real images with mkfs and reads them back with debugfs and mtools (no mounting). */
class GuestDisksTest {

    @TempDir
    Path dir;

    @Test
    void anExt4ImageHoldsTheTree() throws IOException {
        Path tree = Files.createDirectories(dir.resolve("tree/etc"));
        Files.writeString(tree.resolve("marker"), "ext4 marker\n");

        Path image = GuestDisks.ext4(dir.resolve("tree"), dir.resolve("root.ext4"), 16);

        assertThat(Files.size(image)).isEqualTo(16L << 20);
        assertThat(HostTool.run("debugfs", "-R", "cat /etc/marker", image.toString()))
                .contains("ext4 marker");
    }

    @Test
    void aVfatImageHoldsTheTree() throws IOException {
        Path tree = Files.createDirectories(dir.resolve("tree/etc"));
        Files.writeString(tree.resolve("marker"), "vfat marker\n");

        Path image = GuestDisks.vfat(dir.resolve("tree"), dir.resolve("root.vfat"), 16);

        String content = HostTool.run(
                List.of("mtype", "-i", image.toString(), "::/etc/marker"), Map.of("MTOOLS_SKIP_CHECK", "1"));
        assertThat(content).contains("vfat marker");
    }

    @Test
    void vfatRefusesSymbolicLinks() throws IOException {
        Path tree = Files.createDirectories(dir.resolve("tree"));
        Files.createSymbolicLink(tree.resolve("link"), Path.of("target"));

        assertThatThrownBy(() -> GuestDisks.vfat(tree, dir.resolve("root.vfat"), 16))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("symbolic link");
    }
}
