package io.unibloc.blockstore.cow;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.blockstore.StoreConfig;
import io.unibloc.blockstore.fs.Exec;
import io.unibloc.blockstore.fs.Mounts;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reflink on a directory that can: the test mounts a small XFS file on it first, as a node's disk would be. */
class ReflinkBackendIT extends CowBackendConformance {
    @Override
    protected CowBackend open(Path dir) throws Exception {
        Path image = dir.resolve("disk.img");
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(512L << 20);
        }
        Exec.check(List.of("mkfs.xfs", "-q", "-m", "reflink=1", image.toString()));
        Path mount = Files.createDirectories(dir.resolve("fs"));
        Mounts.mountLoop(image, mount, "xfs", "");
        CowBackend backend = Backends.open(mount, StoreConfig.Backend.AUTO, StoreConfig.DEFAULT_XFS_LOOP_BYTES);
        assertThat(backend.name()).as("auto on a reflink-capable directory").isEqualTo("reflink");
        return backend;
    }

    @Override
    protected void cleanUp(Path dir) {
        Mounts.unmountIfMounted(dir.resolve("fs"));
    }
}
