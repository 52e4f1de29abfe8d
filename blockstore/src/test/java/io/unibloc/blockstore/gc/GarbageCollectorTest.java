package io.unibloc.blockstore.gc;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.blockstore.BlockStore.GcPolicy;
import io.unibloc.blockstore.BlockStore.GcReport;
import io.unibloc.blockstore.chain.ChainBuilder;
import io.unibloc.blockstore.chain.ChainId;
import io.unibloc.blockstore.chain.ChainMeta;
import io.unibloc.blockstore.chain.ChainRepository;
import io.unibloc.blockstore.chain.Intents;
import io.unibloc.blockstore.content.ContentStore;
import io.unibloc.blockstore.cow.CopyBackend;
import io.unibloc.blockstore.cow.StoreSpace;
import io.unibloc.blockstore.host.LoopDevices;
import io.unibloc.blockstore.lock.KeyedLocks;
import io.unibloc.blockstore.volumes.VolumeManager;
import io.unibloc.registry.ref.Digest;
import io.unibloc.types.FsType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Eviction order and roots, on plain files (the copy backend needs no mounts). */
class GarbageCollectorTest {
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    private ChainRepository chains;
    private VolumeManager volumes;
    private ContentStore content;
    private KeyedLocks locks;
    private GarbageCollector gc;

    @BeforeEach
    void setUp() {
        chains = new ChainRepository(dir);
        locks = new KeyedLocks(dir.resolve("locks"));
        Intents intents = new Intents(dir);
        volumes = new VolumeManager(
                dir, new CopyBackend(dir), chains, locks, new LoopDevices(), new StoreSpace(new CopyBackend(dir), 1.0));
        content = new ContentStore(dir.resolve("content"));
        gc = new GarbageCollector(chains, volumes, content, locks, intents);
    }

    private ChainId chain(String seed, int mib, Instant lastUsed) throws Exception {
        ChainId id = ChainId.of(
                List.of(Digest.sha256(io.unibloc.blockstore.layers.TarFixture.sha256(seed.getBytes()))),
                FsType.EXT4,
                "");
        Path temp = chains.tmpDir().resolve(seed + ".img");
        byte[] data = new byte[mib * MIB];
        new Random(seed.hashCode()).nextBytes(data);
        Files.write(temp, data);
        chains.commit(temp, id, new ChainMeta(id.value(), "ext4", null, List.of(), "x", data.length, 0, 0));
        Files.setLastModifiedTime(dir.resolve("chains/" + id.value() + ".json"), FileTime.from(lastUsed));
        return id;
    }

    @Test
    void evictsLeastRecentlyUsedFirstUntilTheBudgetHoldsAndNeverAVolumesChain() throws Exception {
        Instant now = Instant.now();
        ChainId oldest = chain("oldest", 2, now.minusSeconds(400));
        ChainId used = chain("used-by-volume", 2, now.minusSeconds(300));
        ChainId older = chain("older", 2, now.minusSeconds(200));
        ChainId newest = chain("newest", 2, now.minusSeconds(100));
        volumes.create(
                new VolumeManager.CreateRequest(
                        "vol-1", "img", "img@sha256:" + "c".repeat(64), FsType.EXT4, 0, false, used),
                id -> false);

        GcReport report = gc.collect(new GcPolicy(3L * MIB, false));

        assertThat(report.chainsRemoved()).isEqualTo(2);
        assertThat(report.bytesFreed()).isEqualTo(4L * MIB);
        assertThat(chains.exists(oldest)).isFalse();
        assertThat(chains.exists(older)).isFalse();
        assertThat(chains.exists(newest)).isTrue();
        assertThat(chains.exists(used)).as("a volume's chain is a root").isTrue();
        assertThat(dir.resolve("locks/" + ChainBuilder.lockKey(oldest) + ".lock"))
                .as("evicted with its chain")
                .doesNotExist();
        assertThat(dir.resolve("locks/" + ChainBuilder.lockKey(older) + ".lock"))
                .doesNotExist();
        assertThat(dir.resolve("locks/" + ChainBuilder.lockKey(used) + ".lock"))
                .as("kept: a volume was cloned under it")
                .exists();

        assertThat(gc.collect(new GcPolicy(0, false)).chainsRemoved()).isEqualTo(1);
        assertThat(chains.exists(used)).isTrue();
    }

    @Test
    void evictsBlobsToo() {
        Digest blob = content.put(new byte[MIB]);
        GcReport report = gc.collect(new GcPolicy(0, false));
        assertThat(report.blobsRemoved()).isEqualTo(1);
        assertThat(content.contains(blob)).isFalse();
    }

    @Test
    void neverEvictsAChainWhileItIsLocked() throws Exception {
        ChainId busy = chain("busy", 1, Instant.now().minusSeconds(1000));
        try (KeyedLocks.Held ignored = locks.lock(ChainBuilder.lockKey(busy))) {
            Thread other = new Thread(() -> gc.collect(new GcPolicy(0, false)));
            other.start();
            other.join();
        }
        assertThat(chains.exists(busy)).isTrue();
        assertThat(gc.collect(new GcPolicy(0, false)).chainsRemoved()).isEqualTo(1);
    }

    @Test
    void sweepsBuildTemporariesWithoutALiveIntentAndOrphanMetadata() throws Exception {
        Path orphan = Files.createDirectories(chains.tmpDir().resolve("dead.tree"));
        Files.writeString(orphan.resolve("f"), "x");
        Path meta = dir.resolve("chains/" + "d".repeat(64) + ".json");
        Files.writeString(meta, "{}");
        Path deleting = Files.createDirectories(dir.resolve("volumes/.del-gone-" + java.util.UUID.randomUUID()));
        assertThat(gc.sweep()).isEqualTo(3);
        assertThat(orphan).doesNotExist();
        assertThat(meta).doesNotExist();
        assertThat(deleting).doesNotExist();
    }
}
