package io.unibloc.blockstore.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChainRepositoryTest {
    @TempDir
    Path dir;

    @Test
    void theUnpackDirectoryIsOwnerOnlyAlsoInAnOlderStore() throws Exception {
        ChainRepository fresh = new ChainRepository(dir.resolve("a"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh.tmpDir())))
                .isEqualTo("rwx------");

        Path old = Files.createDirectories(dir.resolve("b/tmp"));
        Files.setPosixFilePermissions(old, PosixFilePermissions.fromString("rwxr-xr-x"));
        ChainRepository reopened = new ChainRepository(dir.resolve("b"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(reopened.tmpDir())))
                .isEqualTo("rwx------");
    }
}
