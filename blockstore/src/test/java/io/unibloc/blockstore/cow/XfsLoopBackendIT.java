package io.unibloc.blockstore.cow;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.blockstore.StoreConfig;
import io.unibloc.blockstore.fs.Mounts;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The XFS file the store makes where it cannot reflink (this machine's /tmp is ext4). */
class XfsLoopBackendIT extends CowBackendConformance {
    @Override
    protected CowBackend open(Path dir) {
        CowBackend backend = Backends.open(dir, StoreConfig.Backend.AUTO, 512L << 20);
        assertThat(backend.name()).as("auto on ext4").isEqualTo("xfs-loop");
        return backend;
    }

    @Override
    protected void cleanUp(Path dir) {
        Mounts.unmountIfMounted(dir.resolve("mnt"));
    }

    @Test
    void unmountsOnCloseAndMountsAgainWithTheDataOnRestart() throws Exception {
        Files.writeString(backend.dataRoot().resolve("kept"), "data");
        backend.close();
        assertThat(Mounts.isMounted(dir.resolve("mnt"))).isFalse();

        backend = Backends.open(dir, StoreConfig.Backend.AUTO, 512L << 20);
        assertThat(backend.name()).isEqualTo("xfs-loop");
        assertThat(Files.readString(backend.dataRoot().resolve("kept"))).isEqualTo("data");
        assertThat(Files.readString(dir.resolve("backend")).trim()).isEqualTo("xfs-loop");
    }
}
