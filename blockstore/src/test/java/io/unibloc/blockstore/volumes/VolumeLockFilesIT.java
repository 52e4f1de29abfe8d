package io.unibloc.blockstore.volumes;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.blockstore.chain.ChainId;
import io.unibloc.blockstore.chain.ChainMeta;
import io.unibloc.blockstore.chain.ChainRepository;
import io.unibloc.blockstore.cow.CopyBackend;
import io.unibloc.blockstore.cow.StoreSpace;
import io.unibloc.blockstore.host.LoopDevices;
import io.unibloc.blockstore.lock.KeyedLocks;
import io.unibloc.registry.ref.Digest;
import io.unibloc.types.FsType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Volume lock files go with their volumes, and removing them keeps creates and deletes of one id exclusive. */
class VolumeLockFilesIT {
    @TempDir
    Path dir;

    private VolumeManager volumes;
    private ChainId chain;

    @BeforeEach
    void setUp() throws Exception {
        ChainRepository chains = new ChainRepository(dir);
        volumes = new VolumeManager(
                dir,
                new CopyBackend(dir),
                chains,
                new KeyedLocks(dir.resolve("locks")),
                new LoopDevices(),
                new StoreSpace(new CopyBackend(dir), 1.0));
        chain = ChainId.of(List.of(Digest.sha256("b".repeat(64))), FsType.EXT4, "");
        Path temp = chains.tmpDir().resolve("c.img");
        Files.write(temp, new byte[64 << 10]);
        chains.commit(temp, chain, new ChainMeta(chain.value(), "ext4", null, List.of(), "x", 64 << 10, 0, 0));
    }

    private VolumeManager.CreateRequest request(String id) {
        return new VolumeManager.CreateRequest(id, "img", "img@sha256:" + "c".repeat(64), FsType.EXT4, 0, false, chain);
    }

    private List<String> volumeLockFiles() throws Exception {
        try (Stream<Path> s = Files.list(dir.resolve("locks"))) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("volume-"))
                    .toList();
        }
    }

    @Test
    void creatingAndDeletingFiftyVolumesLeavesNoLockFiles() throws Exception {
        for (int i = 0; i < 50; i++) {
            String id = "pvc-" + i;
            volumes.create(request(id), none -> false);
            assertThat(volumeLockFiles()).contains("volume-" + id + ".lock");
            volumes.delete(id);
        }
        volumes.delete("never-created"); // an idempotent delete of an unknown id leaves nothing either
        assertThat(volumeLockFiles()).isEmpty();
        assertThat(volumes.list()).isEmpty();
    }

    @Test
    void concurrentCreatesAndDeletesOfOneIdStayConsistent() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Object>> workers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                workers.add(pool.submit(() -> {
                    // Without exclusion two creates race to rename onto the same name, and a delete can
                    // remove a volume mid-create: either surfaces as an exception here.
                    for (int i = 0; i < 40; i++) {
                        assertThat(volumes.create(request("pvc-race"), none -> false)
                                        .id())
                                .isEqualTo("pvc-race");
                        volumes.delete("pvc-race");
                    }
                    return null;
                }));
            }
            for (Future<Object> w : workers) {
                w.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(volumes.find("pvc-race")).isEmpty();
        assertThat(volumeLockFiles()).isEmpty();
        try (Stream<Path> left = Files.list(dir.resolve("volumes"))) {
            assertThat(left).as("no temporaries or half-deleted volumes").isEmpty();
        }
        volumes.create(request("pvc-race"), none -> false);
        assertThat(volumes.find("pvc-race")).isPresent();
        assertThat(volumeLockFiles()).containsExactly("volume-pvc-race.lock");
    }
}
