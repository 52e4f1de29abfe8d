package io.unibloc.blockstore.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.unibloc.blockstore.BlockStore;
import io.unibloc.blockstore.content.ContentStore;
import io.unibloc.registry.auth.RegistryCredentials;
import io.unibloc.registry.client.RegistryConfig;
import io.unibloc.registry.manifest.Platform;
import io.unibloc.registry.ref.ImageReference;
import io.unibloc.testkit.image.TestImage;
import io.unibloc.testkit.registry.TestRegistry;
import io.unibloc.types.ErrorKind;
import io.unibloc.types.PullCancelledException;
import io.unibloc.types.StoreException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Faults between us and a real registry, injected by a proxy: corruption, truncation, 5xx, dead hosts, mirrors. */
class PullFaultsIT {
    static TestRegistry registry;
    static TestImage image;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        registry = TestRegistry.start();
        image = TestImages.image(31);
        image.push(registry, "faults/app", "1");
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    private static RegistryConfig config() {
        return RegistryConfig.defaults().withRetries(4, Duration.ofMillis(10), Duration.ofMillis(50));
    }

    private FetchedImage pull(ContentStore store, RegistryConfig config, SimpleMeterRegistry meters, String ref) {
        try (ImageFetcher f = new ImageFetcher(store, config, meters)) {
            return f.fetch(
                    ImageReference.parse(ref), Platform.DEFAULT, RegistryCredentials.NONE, BlockStore.Progress.NONE);
        }
    }

    private static List<String> blobFiles(ContentStore store) throws Exception {
        try (Stream<Path> s = Files.list(store.root().resolve("blobs/sha256"))) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    @Test
    void corruptedBlobIsRejectedNamingBlobAndRegistryAndNothingIsStored() throws Exception {
        try (FaultProxy proxy = FaultProxy.start(registry.url())) {
            proxy.corruptBlobs(true);
            ContentStore store = new ContentStore(tmp.resolve("s"));
            assertThatThrownBy(
                            () -> pull(store, config(), new SimpleMeterRegistry(), proxy.hostPort() + "/faults/app:1"))
                    .isInstanceOfSatisfying(StoreException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
                        assertThat(e.getMessage())
                                .contains(proxy.hostPort())
                                .containsPattern("blob sha256:[0-9a-f]{64}")
                                .contains("content has digest");
                    });
            List<String> stored = blobFiles(store);
            assertThat(stored).noneMatch(n -> n.startsWith(".tmp"));
            List<String> blobHexes = new ArrayList<>(image.digests().manifest().layerDigests());
            blobHexes.add(image.configDigest());
            assertThat(stored)
                    .doesNotContainAnyElementsOf(
                            blobHexes.stream().map(d -> d.substring(7)).toList());
        }
    }

    @Test
    void truncatedDownloadResumesWithRange() throws Exception {
        try (FaultProxy proxy = FaultProxy.start(registry.url())) {
            proxy.truncateNextBlobAt(100_000);
            ContentStore store = new ContentStore(tmp.resolve("s"));
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            FetchedImage f = pull(store, config().withParallelDownloads(1), meters, proxy.hostPort() + "/faults/app:1");
            assertThat(f.manifestDigest()).hasToString(image.digest());
            assertThat(proxy.requests)
                    .filteredOn(FaultProxy.Recorded::isBlobGet)
                    .anySatisfy(r -> assertThat(r.range()).isEqualTo("bytes=100000-"));
            for (var l : f.layers()) {
                assertThat(store.verify(l.digest())).isTrue();
            }
            assertThat(meters.counter("unibloc.pull.retries", "registry", proxy.hostPort())
                            .count())
                    .isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void stalledDownloadIsAbandonedAndResumed() throws Exception {
        try (FaultProxy proxy = FaultProxy.start(registry.url())) {
            proxy.stallNextBlobAt(50_000);
            ContentStore store = new ContentStore(tmp.resolve("s"));
            RegistryConfig cfg =
                    config().withParallelDownloads(1).withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(500));
            long t0 = System.nanoTime();
            FetchedImage f = pull(store, cfg, new SimpleMeterRegistry(), proxy.hostPort() + "/faults/app:1");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(4));
            assertThat(proxy.requests)
                    .filteredOn(FaultProxy.Recorded::isBlobGet)
                    .anySatisfy(r -> assertThat(r.range()).isEqualTo("bytes=50000-"));
            for (var l : f.layers()) {
                assertThat(store.verify(l.digest())).isTrue();
            }
        }
    }

    @Test
    void serverErrorsAreRetriedThenGivenUpOn() throws Exception {
        try (FaultProxy proxy = FaultProxy.start(registry.url())) {
            proxy.failNext(2, 503);
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            FetchedImage f =
                    pull(new ContentStore(tmp.resolve("a")), config(), meters, proxy.hostPort() + "/faults/app:1");
            assertThat(f.layers()).hasSize(3);
            assertThat(meters.counter("unibloc.pull.retries", "registry", proxy.hostPort())
                            .count())
                    .isEqualTo(2);

            proxy.failNext(1000, 500);
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> pull(
                            new ContentStore(tmp.resolve("b")),
                            config(),
                            new SimpleMeterRegistry(),
                            proxy.hostPort() + "/faults/app:1"))
                    .isInstanceOfSatisfying(StoreException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
                        assertThat(e.getMessage())
                                .contains("4 attempt")
                                .contains("HTTP 500")
                                .contains(proxy.hostPort());
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void unreachableRegistryIsUnavailableFast() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> pull(
                        new ContentStore(tmp.resolve("s")),
                        config(),
                        new SimpleMeterRegistry(),
                        "127.0.0.1:" + port + "/faults/app:1"))
                .isInstanceOfSatisfying(StoreException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
                    assertThat(e.getMessage()).contains("127.0.0.1:" + port).contains("ConnectException");
                });
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void mirrorIsTriedFirstAndTheOriginIsTheFallback() throws Exception {
        try (TestRegistry mirrorRegistry = TestRegistry.start();
                FaultProxy origin = FaultProxy.start(registry.url());
                FaultProxy mirror = FaultProxy.start(mirrorRegistry.url())) {
            image.push(mirrorRegistry, "faults/app", "1");
            RegistryConfig cfg =
                    config().withMirrors(Map.of(origin.hostPort(), List.of("http://" + mirror.hostPort())));
            FetchedImage f = pull(
                    new ContentStore(tmp.resolve("a")),
                    cfg,
                    new SimpleMeterRegistry(),
                    origin.hostPort() + "/faults/app:1");
            assertThat(f.manifestDigest()).hasToString(image.digest());
            assertThat(mirror.blobGets()).isEqualTo(4);
            assertThat(origin.requests).isEmpty();

            // A mirror that lacks the image: the origin serves it.
            TestImage other = TestImages.image(
                    32,
                    1,
                    1000,
                    io.unibloc.testkit.image.Platform.LINUX_AMD64,
                    io.unibloc.testkit.image.ImageFormat.OCI);
            other.push(registry, "faults/other", "1");
            FetchedImage g = pull(
                    new ContentStore(tmp.resolve("b")),
                    cfg,
                    new SimpleMeterRegistry(),
                    origin.hostPort() + "/faults/other:1");
            assertThat(g.manifestDigest()).hasToString(other.digest());
            assertThat(origin.blobGets()).isEqualTo(2);
            // And a mirror that is down entirely.
            mirror.close();
            FetchedImage h = pull(
                    new ContentStore(tmp.resolve("c")),
                    cfg,
                    new SimpleMeterRegistry(),
                    origin.hostPort() + "/faults/app:1");
            assertThat(h.manifestDigest()).hasToString(image.digest());
        }
    }

    @Test
    void aPullCancelledDuringAMirrorDownloadStopsThereWithoutAskingTheOrigin() throws Exception {
        try (TestRegistry mirrorRegistry = TestRegistry.start();
                FaultProxy origin = FaultProxy.start(registry.url());
                FaultProxy mirror = FaultProxy.start(mirrorRegistry.url())) {
            image.push(mirrorRegistry, "faults/app", "1");
            RegistryConfig cfg = config().withParallelDownloads(1)
                    .withMirrors(Map.of(origin.hostPort(), List.of("http://" + mirror.hostPort())));
            ContentStore store = new ContentStore(tmp.resolve("s"));
            BlockStore.Progress cancelOnFirstChunk = new BlockStore.Progress() {
                @Override
                public void pulled(io.unibloc.registry.ref.Digest blob, long bytesSoFar) {
                    throw new PullCancelledException("volume deleted while pulling " + blob.shortHex());
                }
            };
            try (ImageFetcher f = new ImageFetcher(store, cfg, new SimpleMeterRegistry())) {
                assertThatThrownBy(() -> f.fetch(
                                ImageReference.parse(origin.hostPort() + "/faults/app:1"),
                                Platform.DEFAULT,
                                RegistryCredentials.NONE,
                                cancelOnFirstChunk))
                        .isExactlyInstanceOf(PullCancelledException.class)
                        .hasMessageStartingWith("volume deleted while pulling");
            }
            assertThat(mirror.blobGets()).as("the download that was cancelled").isEqualTo(1);
            assertThat(origin.requests)
                    .as("a cancellation is not a broken mirror: nothing is resumed from the origin")
                    .isEmpty();
            assertThat(blobFiles(store)).noneMatch(n -> n.startsWith(".tmp"));
        }
    }

    @Test
    void concurrentPullsOfOneImageDownloadEachBlobOnce() throws Exception {
        try (FaultProxy proxy = FaultProxy.start(registry.url())) {
            Path root = tmp.resolve("shared");
            int pullers = 6;
            ExecutorService pool = Executors.newFixedThreadPool(pullers);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<FetchedImage>> results = new ArrayList<>();
            for (int i = 0; i < pullers; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    // Separate store objects and clients, as separate processes would have.
                    return pull(
                            new ContentStore(root),
                            config(),
                            new SimpleMeterRegistry(),
                            proxy.hostPort() + "/faults/app:1");
                }));
            }
            go.countDown();
            for (Future<FetchedImage> r : results) {
                assertThat(r.get(60, TimeUnit.SECONDS).manifestDigest()).hasToString(image.digest());
            }
            pool.shutdown();
            assertThat(proxy.blobGets()).isEqualTo(4);
            assertThat(blobFiles(new ContentStore(root))).hasSize(5).noneMatch(n -> n.startsWith("."));
        }
    }
}
