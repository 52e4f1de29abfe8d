package io.unibloc.blockstore.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.unibloc.blockstore.BlockStore;
import io.unibloc.blockstore.content.ContentStore;
import io.unibloc.blockstore.layers.Compression;
import io.unibloc.registry.auth.RegistryCredentials;
import io.unibloc.registry.client.RegistryConfig;
import io.unibloc.registry.manifest.Platform;
import io.unibloc.registry.ref.Digest;
import io.unibloc.registry.ref.ImageReference;
import io.unibloc.testkit.image.ImageFormat;
import io.unibloc.testkit.image.TestImage;
import io.unibloc.testkit.image.TestIndex;
import io.unibloc.types.ErrorKind;
import io.unibloc.types.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayoutFetchTest {
    @TempDir
    Path tmp;

    private ContentStore store;
    private ImageFetcher fetcher;
    private SimpleMeterRegistry meters;

    @BeforeEach
    void setUp() {
        store = new ContentStore(tmp.resolve("store"));
        meters = new SimpleMeterRegistry();
        fetcher = new ImageFetcher(store, RegistryConfig.defaults(), meters);
    }

    @AfterEach
    void tearDown() {
        fetcher.close();
    }

    @Test
    void fetchesTaggedImageFromLayoutWithVerification() {
        TestImage img = TestImages.image(7);
        Path layout = tmp.resolve("layout");
        img.writeLayout(layout, "1.0");
        TestImages.image(8).writeLayout(layout, "2.0");
        AtomicLong progressBytes = new AtomicLong();
        FetchedImage f = fetcher.fetch(
                ImageReference.parse("oci:" + layout + ":1.0"),
                Platform.DEFAULT,
                RegistryCredentials.NONE,
                new BlockStore.Progress() {
                    @Override
                    public void pulled(Digest blob, long soFar) {
                        progressBytes.incrementAndGet();
                    }
                });
        assertThat(f.manifestDigest().toString()).isEqualTo(img.digest());
        assertThat(f.pinned().digest().toString()).isEqualTo(img.digest());
        assertThat(f.pinned().isLayout()).isTrue();
        assertThat(f.layers())
                .extracting(l -> l.digest().toString())
                .containsExactlyElementsOf(img.digests().manifest().layerDigests());
        assertThat(f.layers())
                .extracting(l -> l.diffId().toString())
                .containsExactlyElementsOf(img.digests().manifest().diffIds());
        assertThat(f.layers())
                .extracting(l -> Compression.fromMediaType(l.mediaType()).orElseThrow())
                .containsExactly(Compression.GZIP, Compression.ZSTD, Compression.NONE);
        assertThat(f.config().labels()).containsEntry("io.unibloc.kernel", "/boot/vmlinuz");
        f.layers().forEach(l -> assertThat(store.verify(l.digest())).isTrue());
        assertThat(progressBytes.get()).isPositive();
        assertThat(meters.counter("unibloc.pull.bytes", "source", "oci-layout").count())
                .isGreaterThan(3 * 256 * 1024);

        assertThat(fetcher.pin(ImageReference.parse("oci:" + layout + ":2.0"), RegistryCredentials.NONE)
                        .digest())
                .hasToString(TestImages.image(8).digest());
        assertThat(fetcher.cached(f.pinned(), Platform.DEFAULT)).contains(f);
    }

    @Test
    void untaggedLayoutNeedsExactlyOneImage() {
        Path layout = tmp.resolve("one");
        TestImage img = TestImages.image(9);
        img.writeLayout(layout, "only");
        assertThat(fetcher.fetch(
                                ImageReference.parse("oci:" + layout),
                                Platform.DEFAULT,
                                RegistryCredentials.NONE,
                                BlockStore.Progress.NONE)
                        .manifestDigest())
                .hasToString(img.digest());
        TestImages.image(10).writeLayout(layout, "second");
        assertThatThrownBy(() -> fetcher.fetch(
                        ImageReference.parse("oci:" + layout),
                        Platform.DEFAULT,
                        RegistryCredentials.NONE,
                        BlockStore.Progress.NONE))
                .isInstanceOfSatisfying(StoreException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
                    assertThat(e.getMessage()).contains("only").contains("second");
                });
        assertThatThrownBy(() -> fetcher.fetch(
                        ImageReference.parse("oci:" + layout + ":nope"),
                        Platform.DEFAULT,
                        RegistryCredentials.NONE,
                        BlockStore.Progress.NONE))
                .hasMessageContaining("no image tagged 'nope'");
        assertThatThrownBy(() -> fetcher.fetch(
                        ImageReference.parse("oci:" + tmp.resolve("absent")),
                        Platform.DEFAULT,
                        RegistryCredentials.NONE,
                        BlockStore.Progress.NONE))
                .hasMessageContaining("does not exist");
    }

    @Test
    void indexInLayoutSelectsPlatform() {
        TestImage amd = TestImages.image(11, 1, 1000, io.unibloc.testkit.image.Platform.LINUX_AMD64, ImageFormat.OCI);
        TestImage arm = TestImages.image(12, 1, 1000, io.unibloc.testkit.image.Platform.LINUX_ARM64, ImageFormat.OCI);
        Path layout = tmp.resolve("multi");
        TestIndex.of(amd, arm).writeLayout(layout, "latest");
        FetchedImage f = fetcher.fetch(
                ImageReference.parse("oci:" + layout + ":latest"),
                Platform.parse("linux/arm64"),
                RegistryCredentials.NONE,
                BlockStore.Progress.NONE);
        assertThat(f.manifestDigest()).hasToString(arm.digest());
        assertThat(f.config().architecture()).isEqualTo("arm64");
    }

    @Test
    void corruptBlobInLayoutIsRejectedAndNotStored() throws Exception {
        TestImage img = TestImages.image(13);
        Path layout = tmp.resolve("bad");
        img.writeLayout(layout, "x");
        String layerHex = img.digests().manifest().layerDigests().get(1).substring(7);
        Path blob = layout.resolve("blobs/sha256/" + layerHex);
        byte[] b = Files.readAllBytes(blob);
        b[b.length / 2] ^= 1;
        Files.write(blob, b);
        assertThatThrownBy(() -> fetcher.fetch(
                        ImageReference.parse("oci:" + layout + ":x"),
                        Platform.DEFAULT,
                        RegistryCredentials.NONE,
                        BlockStore.Progress.NONE))
                .isInstanceOfSatisfying(StoreException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).contains("sha256:" + layerHex).contains(layout.toString());
                });
        assertThat(store.contains(Digest.sha256(layerHex))).isFalse();
        try (var s = Files.list(store.root().resolve("blobs/sha256"))) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".tmp"));
        }
    }
}
