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

    @Test
    void aChainInUseNeverLooksOldToGcEvenWithoutItsMetadata() throws Exception {
        ChainRepository repo = new ChainRepository(dir.resolve("s"));
        ChainId id = new ChainId("ab".repeat(32));
        Path image = repo.image(id);
        Files.writeString(image, "chain");
        Files.setLastModifiedTime(image, java.nio.file.attribute.FileTime.from(java.time.Instant.EPOCH));
        // a chain whose metadata is gone (a crash, a hand-cleaned store): touching it must still record the use,
        // or GC takes the chain a volume is being cloned from as the least recently used
        java.time.Instant before = java.time.Instant.now().minusSeconds(5);
        repo.touch(id);
        assertThat(repo.lastUsed(id)).isAfter(before);
    }

    @Test
    void aTouchThatCannotBeRecordedIsAnErrorNotSilence() throws Exception {
        ChainRepository repo = new ChainRepository(dir.resolve("t"));
        ChainId id = new ChainId("cd".repeat(32));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> repo.touch(id))
                .isInstanceOfSatisfying(
                        io.unibloc.types.StoreException.class,
                        e -> assertThat(e.kind()).isEqualTo(io.unibloc.types.ErrorKind.NOT_FOUND))
                .hasMessageContaining(id.value());
    }
}
