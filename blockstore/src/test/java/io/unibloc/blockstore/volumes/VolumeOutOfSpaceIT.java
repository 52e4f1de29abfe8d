package io.unibloc.blockstore.volumes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unibloc.blockstore.chain.ChainId;
import io.unibloc.blockstore.chain.ChainMeta;
import io.unibloc.blockstore.chain.ChainRepository;
import io.unibloc.blockstore.cow.CopyBackend;
import io.unibloc.blockstore.cow.StoreSpace;
import io.unibloc.blockstore.fs.Exec;
import io.unibloc.blockstore.host.LoopDevices;
import io.unibloc.blockstore.lock.KeyedLocks;
import io.unibloc.registry.ref.Digest;
import io.unibloc.types.ErrorKind;
import io.unibloc.types.FsType;
import io.unibloc.types.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store that runs full while a volume is copied reports RESOURCE_EXHAUSTED naming the volume, and leaves nothing. */
class VolumeOutOfSpaceIT {
    private static final int MIB = 1 << 20;

    @TempDir
    Path tmp;

    private Path dir;

    @BeforeEach
    void mountSmallTmpfs() {
        dir = tmp.resolve("store");
        Exec.check(List.of("mkdir", "-p", dir.toString()));
        Exec.check(List.of("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", dir.toString()));
    }

    @AfterEach
    void unmount() {
        Exec.run(List.of("umount", dir.toString()));
    }

    @Test
    void copyRunningOutOfSpaceIsResourceExhausted() throws Exception {
        ChainRepository chains = new ChainRepository(dir);
        VolumeManager volumes = new VolumeManager(
                dir,
                new CopyBackend(dir),
                chains,
                new KeyedLocks(dir.resolve("locks")),
                new LoopDevices(),
                // A ratio so large that the up-front check lets it through: this is about cp failing midway.
                new StoreSpace(new CopyBackend(dir), 1000.0));
        ChainId id = ChainId.of(List.of(Digest.sha256("a".repeat(64))), FsType.EXT4, "");
        Path temp = chains.tmpDir().resolve("c.img");
        byte[] data = new byte[5 * MIB];
        new Random(1).nextBytes(data);
        Files.write(temp, data);
        chains.commit(temp, id, new ChainMeta(id.value(), "ext4", null, List.of(), "x", data.length, 0, 0));

        assertThatThrownBy(() -> volumes.create(
                        new VolumeManager.CreateRequest(
                                "vol-full", "img", "img@sha256:" + "c".repeat(64), FsType.EXT4, 0, false, id),
                        none -> false))
                .isInstanceOfSatisfying(
                        StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.RESOURCE_EXHAUSTED))
                .hasMessageContaining("vol-full")
                .hasMessageContaining("no space left");
        try (Stream<Path> left = Files.list(dir.resolve("volumes"))) {
            assertThat(left).as("no volume and no temporary left behind").isEmpty();
        }
    }
}
