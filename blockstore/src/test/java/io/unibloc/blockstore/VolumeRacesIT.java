package io.unibloc.blockstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.blockstore.BlockStore.AttachOptions;
import io.unibloc.blockstore.BlockStore.GcPolicy;
import io.unibloc.blockstore.BlockStore.VolumeSpec;
import io.unibloc.blockstore.fs.Mounts;
import io.unibloc.registry.auth.RegistryCredentials;
import io.unibloc.registry.ref.ImageReference;
import io.unibloc.testkit.image.Compression;
import io.unibloc.testkit.image.TestImage;
import io.unibloc.testkit.image.TestLayer;
import io.unibloc.types.ErrorKind;
import io.unibloc.types.FsType;
import io.unibloc.types.StoreException;
import io.unibloc.types.WriteMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The races and leaks of issue 18 on a real XFS-loop store: each test failed on the engine before the fix it
 * names (one id space under one lock, one writer per writable device, crash-safe ephemeral deletes, a chain
 * collected between prepare and clone).
 */
class VolumeRacesIT {
    private Path dir;
    private DefaultBlockStore store;

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createTempDirectory("volume-races-");
        store = open();
    }

    private DefaultBlockStore open() {
        return DefaultBlockStore.open(StoreConfig.defaults(dir.resolve("store")).withXfsLoopBytes(2L << 30));
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (store != null) {
                for (BlockStore.Volume v : store.listVolumes()) {
                    store.detach(v.id());
                }
                store.gc(new GcPolicy(Long.MAX_VALUE, true));
                store.close();
            }
        } finally {
            Mounts.unmountIfMounted(dir.resolve("store/mnt"));
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private ImageReference image(String tag) {
        Path layout = dir.resolve("layout");
        TestImage.builder()
                .layer(TestLayer.builder()
                        .file("etc/os-release", "ID=test\n")
                        .file("app/main", tag)
                        .build(Compression.GZIP))
                .build()
                .writeLayout(layout, tag);
        return ImageReference.parse("oci:" + layout + ":" + tag);
    }

    private static VolumeSpec spec(String id, ImageReference ref, WriteMode mode) {
        return new VolumeSpec(id, ref, FsType.EXT4, 0, 0, false, mode);
    }

    private BlockStore.Volume create(String id, ImageReference ref, WriteMode mode) {
        return store.createVolume(spec(id, ref, mode), RegistryCredentials.NONE, BlockStore.Progress.NONE);
    }

    @Test
    void aVolumeIdNeverBecomesBothPersistentAndEphemeral() throws Exception {
        ImageReference ref = store.pin(image("both"), RegistryCredentials.NONE);
        store.prepare(ref, FsType.EXT4, RegistryCredentials.NONE, BlockStore.Progress.NONE);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 40; i++) {
                String id = "both-" + i;
                CountDownLatch start = new CountDownLatch(1);
                Future<?> persistent = pool.submit(() -> {
                    start.await();
                    return create(id, ref, WriteMode.PERSISTENT);
                });
                Future<?> ephemeral = pool.submit(() -> {
                    start.await();
                    return create(id, ref, WriteMode.EPHEMERAL);
                });
                start.countDown();
                int succeeded = 0;
                for (Future<?> f : List.of(persistent, ephemeral)) {
                    try {
                        f.get();
                        succeeded++;
                    } catch (java.util.concurrent.ExecutionException e) {
                        assertThat(e.getCause())
                                .isInstanceOfSatisfying(
                                        StoreException.class,
                                        s -> assertThat(s.kind()).isEqualTo(ErrorKind.ALREADY_EXISTS));
                    }
                }
                assertThat(succeeded).as("creates of %s that succeeded", id).isEqualTo(1);
                assertThat(store.listVolumes().stream()
                                .filter(v -> v.id().equals(id))
                                .count())
                        .as("volumes named %s", id)
                        .isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aWritableVolumeIsNeverAttachedTwice() throws Exception {
        ImageReference ref = image("writer");
        create("writer", ref, WriteMode.PERSISTENT);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> attaches = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                attaches.add(pool.submit(() -> {
                    start.await();
                    return store.attach("writer", AttachOptions.DEFAULT).device();
                }));
            }
            start.countDown();
            int attached = 0;
            for (Future<String> f : attaches) {
                try {
                    assertThat(f.get()).startsWith("/dev/loop");
                    attached++;
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause())
                            .isInstanceOfSatisfying(
                                    StoreException.class,
                                    s -> assertThat(s.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION))
                            .hasMessageContaining("already attached");
                }
            }
            assertThat(attached)
                    .as("attaches of one writable volume that got a device")
                    .isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        store.detach("writer");
        assertThat(store.attach("writer", AttachOptions.DEFAULT).device())
                .as("attachable again once detached")
                .startsWith("/dev/loop");
    }

    @Test
    void anEphemeralDeleteInterruptedByACrashLeaksNothing() throws Exception {
        ImageReference ref = image("crash");
        BlockStore.Volume a = create("crash-a", ref, WriteMode.EPHEMERAL);
        create("crash-b", ref, WriteMode.EPHEMERAL);
        for (String id : List.of("crash-a", "crash-b")) {
            store.attach(id, AttachOptions.DEFAULT); // makes the volume's hard link of the chain image
            store.detach(id);
        }
        Path root = dir.resolve("store/mnt/ephemeral");
        Path chainImage = dir.resolve("store/mnt/chains/" + a.chainId() + ".img");
        assertThat(links(chainImage)).as("the chain image and two volume links").isEqualTo(3);
        // A crash after a rename-then-delete renamed the directory, and one in the middle of an in-place delete
        // (the record gone, the link still there); the store keeps nothing in memory, so a restart is a reopen.
        Files.move(root.resolve("crash-a"), root.resolve(".del-crash-a-" + UUID.randomUUID()));
        Files.delete(root.resolve("crash-b/volume.json"));
        store.close();
        store = null;
        store = open();

        try (Stream<Path> left = Files.list(root)) {
            assertThat(left.toList())
                    .as("what the crashed deletes left under " + root)
                    .isEmpty();
        }
        assertThat(links(chainImage))
                .as("links pinning the chain image's blocks")
                .isEqualTo(1);
        assertThat(store.gc(new GcPolicy(0, true)).chainsRemoved())
                .as("the chain is free to collect")
                .isEqualTo(1);
    }

    /** Makes every blob the most recently used and returns their bytes. */
    private static long keepNewest(Path blobs) {
        long bytes = 0;
        java.nio.file.attribute.FileTime future =
                java.nio.file.attribute.FileTime.from(java.time.Instant.now().plusSeconds(86_400));
        try (Stream<Path> walk = Files.walk(blobs)) {
            for (Path blob : walk.filter(Files::isRegularFile).toList()) {
                try {
                    Files.setLastModifiedTime(blob, future);
                    bytes += Files.size(blob);
                } catch (java.io.IOException e) {
                    // a temporary that went meanwhile
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes;
    }

    private static int links(Path file) throws Exception {
        return (Integer) Files.getAttribute(file, "unix:nlink");
    }

    @Test
    void aChainCollectedBetweenPrepareAndCloneIsPreparedAgain() throws Exception {
        ImageReference ref = store.pin(image("gc"), RegistryCredentials.NONE);
        AtomicBoolean running = new AtomicBoolean(true);
        Path blobs = dir.resolve("store/content/blobs");
        // A cache budget that keeps the layer blobs (newest, and exactly their size) and no unused chain: every
        // chain nobody uses is collected as soon as it is built, as a node with a small budget does.
        Thread collector = new Thread(() -> {
            while (running.get()) {
                store.gc(new GcPolicy(keepNewest(blobs), false));
            }
        });
        collector.start();
        try {
            for (int i = 0; i < 30; i++) {
                String id = "gc-" + i;
                assertThat(create(id, ref, WriteMode.PERSISTENT).id()).isEqualTo(id);
                store.deleteVolume(id); // its chain is unused again, for the collector to take
            }
        } finally {
            running.set(false);
            collector.join();
        }
    }
}
