package io.unibloc.testkit.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestLayerTreeTest {

    @Test
    void aTreeOnDiskBecomesEntriesWithItsModesAndLinksInSortedOrder(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("bin"));
        Files.writeString(root.resolve("bin/tool"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(root.resolve("bin/tool"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.createSymbolicLink(root.resolve("bin/alias"), Path.of("tool"));
        Files.writeString(root.resolve("a.txt"), "a");
        Files.setPosixFilePermissions(root.resolve("a.txt"), PosixFilePermissions.fromString("rw-r-----"));

        TarContents tar = TarContents.read(
                TestLayer.builder().tree(root).build(Compression.NONE).blob(), Compression.NONE);

        assertThat(tar.names()).containsExactly("a.txt", "bin/", "bin/alias", "bin/tool");
        assertThat(tar.entry("bin/tool").getMode() & 07777).isEqualTo(0750);
        assertThat(tar.entry("a.txt").getMode() & 07777).isEqualTo(0640);
        assertThat(tar.entry("bin/alias").isSymbolicLink()).isTrue();
        assertThat(tar.entry("bin/alias").getLinkName()).isEqualTo("tool");
        assertThat(new String(tar.data("bin/tool"))).isEqualTo("#!/bin/sh\n");
    }
}
