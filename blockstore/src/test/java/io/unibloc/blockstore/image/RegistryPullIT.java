package io.unibloc.blockstore.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.unibloc.blockstore.BlockStore;
import io.unibloc.blockstore.content.ContentStore;
import io.unibloc.registry.auth.DockerConfig;
import io.unibloc.registry.auth.RegistryCredentials;
import io.unibloc.registry.client.RegistryConfig;
import io.unibloc.registry.manifest.Platform;
import io.unibloc.registry.ref.ImageReference;
import io.unibloc.testkit.image.ImageFormat;
import io.unibloc.testkit.image.PushedImage;
import io.unibloc.testkit.image.TestImage;
import io.unibloc.testkit.image.TestIndex;
import io.unibloc.testkit.registry.TestRegistry;
import io.unibloc.types.ErrorKind;
import io.unibloc.types.StoreException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pulls from a real registry on 127.0.0.1: tags, digests, indexes, basic auth, bearer tokens. */
class RegistryPullIT {
    static TestRegistry registry;
    static TestRegistry authRegistry;

    @TempDir
    Path tmp;

    ContentStore store;
    SimpleMeterRegistry meters;
    ImageFetcher fetcher;

    @BeforeAll
    static void startRegistries() {
        registry = TestRegistry.start();
        authRegistry = TestRegistry.withBasicAuth("alice", "s3cret");
    }

    @AfterAll
    static void stopRegistries() {
        if (registry != null) {
            registry.close();
        }
        if (authRegistry != null) {
            authRegistry.close();
        }
    }

    static RegistryConfig fastRetries() {
        return RegistryConfig.defaults().withRetries(3, Duration.ofMillis(10), Duration.ofMillis(50));
    }

    @BeforeEach
    void setUp() {
        store = new ContentStore(tmp.resolve("store"));
        meters = new SimpleMeterRegistry();
        fetcher = new ImageFetcher(store, fastRetries(), meters);
    }

    @AfterEach
    void tearDown() {
        fetcher.close();
    }

    private FetchedImage fetch(String ref, Platform platform, RegistryCredentials creds) {
        return fetcher.fetch(ImageReference.parse(ref), platform, creds, BlockStore.Progress.NONE);
    }

    @Test
    void pullsByTagThenByDigestFromTheStore() {
        TestImage img = TestImages.image(21);
        PushedImage pushed = img.push(registry, "pull/bytag", "1.0");
        FetchedImage f = fetch(pushed.reference(), Platform.DEFAULT, RegistryCredentials.NONE);
        assertThat(f.pinned().digest()).hasToString(img.digest());
        assertThat(f.pinned().tag()).isEqualTo("1.0");
        assertThat(f.layers())
                .extracting(l -> l.digest().toString())
                .containsExactlyElementsOf(img.digests().manifest().layerDigests());
        assertThat(f.configDigest()).hasToString(img.configDigest());
        f.layers().forEach(l -> assertThat(store.verify(l.digest())).isTrue());
        double misses = meters.counter("unibloc.pull.cache.misses", "source", registry.hostPort())
                .count();
        assertThat(misses).isEqualTo(4); // config + 3 layers
        assertThat(meters.counter("unibloc.pull.bytes", "source", registry.hostPort())
                        .count())
                .isGreaterThan(3 * 256 * 1024);
        assertThat(meters.timer("unibloc.pull.blob", "source", registry.hostPort())
                        .count())
                .isEqualTo(4);

        // Pinned and stored: no download at all, all hits.
        FetchedImage again = fetch(pushed.pinnedReference(), Platform.DEFAULT, RegistryCredentials.NONE);
        assertThat(again.layers()).isEqualTo(f.layers());
        assertThat(meters.counter("unibloc.pull.cache.misses", "source", registry.hostPort())
                        .count())
                .isEqualTo(misses);
        assertThat(fetcher.cached(f.pinned(), Platform.DEFAULT)).isPresent();
    }

    @Test
    void pinsTagsWithHead() {
        TestImage img =
                TestImages.image(22, 1, 1000, io.unibloc.testkit.image.Platform.LINUX_AMD64, ImageFormat.DOCKER);
        PushedImage pushed = img.push(registry, "pull/pin", "v1");
        ImageReference pinned = fetcher.pin(ImageReference.parse(pushed.reference()), RegistryCredentials.NONE);
        assertThat(pinned.digest()).hasToString(img.digest());
        assertThat(store.list()).as("pin downloads nothing").isEmpty();
        assertThatThrownBy(() -> fetcher.pin(
                        ImageReference.parse(registry.hostPort() + "/pull/pin:nope"), RegistryCredentials.NONE))
                .isInstanceOfSatisfying(
                        StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
        assertThatThrownBy(
                        () -> fetch(registry.hostPort() + "/pull/absent:1", Platform.DEFAULT, RegistryCredentials.NONE))
                .isInstanceOfSatisfying(StoreException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
                    assertThat(e.getMessage()).contains("pull/absent").contains(registry.hostPort());
                });
    }

    @Test
    void selectsPlatformFromIndexAndListsPlatformsWhenMissing() {
        TestImage amd =
                TestImages.image(23, 1, 2000, io.unibloc.testkit.image.Platform.LINUX_AMD64, ImageFormat.DOCKER);
        TestImage arm =
                TestImages.image(24, 2, 2000, io.unibloc.testkit.image.Platform.LINUX_ARM64, ImageFormat.DOCKER);
        PushedImage pushed = TestIndex.of(amd, arm).push(registry, "pull/multi", "1");
        FetchedImage def = fetch(pushed.reference(), Platform.DEFAULT, RegistryCredentials.NONE);
        assertThat(def.manifestDigest()).hasToString(amd.digest());
        assertThat(def.pinned().digest()).hasToString(pushed.digest());
        FetchedImage armImg = fetch(pushed.reference(), Platform.parse("linux/arm64"), RegistryCredentials.NONE);
        assertThat(armImg.manifestDigest()).hasToString(arm.digest());
        assertThat(armImg.layers()).hasSize(2);
        assertThatThrownBy(() -> fetch(pushed.reference(), Platform.parse("linux/s390x"), RegistryCredentials.NONE))
                .isInstanceOfSatisfying(StoreException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
                    assertThat(e.getMessage())
                            .contains("linux/s390x")
                            .contains("available: linux/amd64, linux/arm64/v8");
                });
    }

    @Test
    void basicAuthWithRightWrongAndNoCredentials() {
        TestImage img = TestImages.image(25, 1, 5000, io.unibloc.testkit.image.Platform.LINUX_AMD64, ImageFormat.OCI);
        PushedImage pushed = img.push(authRegistry, "auth/app", "1");
        String host = authRegistry.hostPort();
        assertThatThrownBy(() -> fetch(pushed.reference(), Platform.DEFAULT, RegistryCredentials.NONE))
                .isInstanceOfSatisfying(
                        StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNAUTHENTICATED));
        RegistryCredentials wrong =
                new RegistryCredentials(Map.of(host, new RegistryCredentials.Login("alice", "nope")));
        assertThatThrownBy(() -> fetch(pushed.reference(), Platform.DEFAULT, wrong))
                .isInstanceOfSatisfying(StoreException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UNAUTHENTICATED);
                    assertThat(e.getMessage()).doesNotContain("nope").contains(host);
                });
        RegistryCredentials right = DockerConfig.parse("{\"auths\":{\"http://" + host + "\":{\"auth\":\""
                + java.util.Base64.getEncoder().encodeToString("alice:s3cret".getBytes()) + "\"}}}");
        FetchedImage f = fetch(pushed.reference(), Platform.DEFAULT, right);
        assertThat(f.manifestDigest()).hasToString(img.digest());
    }

    @Test
    void bearerTokenFromTokenServerIsCachedPerScope() {
        TestImage img = TestImages.image(26);
        PushedImage pushed = img.push(registry, "bearer/app", "1");
        try (FaultProxy proxy = FaultProxy.start(registry.url())) {
            proxy.requireBearer("bob", "hunter2");
            String ref = proxy.hostPort() + "/bearer/app:1";
            RegistryCredentials creds =
                    new RegistryCredentials(Map.of(proxy.hostPort(), new RegistryCredentials.Login("bob", "hunter2")));
            FetchedImage f = fetch(ref, Platform.DEFAULT, creds);
            assertThat(f.manifestDigest()).hasToString(img.digest());
            assertThat(proxy.tokenRequests)
                    .singleElement()
                    .satisfies(q -> assertThat(q)
                            .contains("scope=repository:bearer/app:pull")
                            .contains("service=fault-proxy"));
            assertThat(proxy.requests)
                    .filteredOn(FaultProxy.Recorded::isBlobGet)
                    .allSatisfy(r -> assertThat(r.authorization()).startsWith("Bearer "));
            // Wrong password: the token server refuses, the pull is UNAUTHENTICATED without echoing it.
            RegistryCredentials wrong =
                    new RegistryCredentials(Map.of(proxy.hostPort(), new RegistryCredentials.Login("bob", "bad-pw")));
            try (ImageFetcher other = new ImageFetcher(new ContentStore(tmp.resolve("s2")), fastRetries(), meters)) {
                assertThatThrownBy(() -> other.fetch(
                                ImageReference.parse(ref), Platform.DEFAULT, wrong, BlockStore.Progress.NONE))
                        .isInstanceOfSatisfying(StoreException.class, e -> {
                            assertThat(e.kind()).isEqualTo(ErrorKind.UNAUTHENTICATED);
                            assertThat(e.getMessage()).contains("bob").doesNotContain("bad-pw");
                        });
            }
        }
    }
}
