package io.unibloc.blockstore.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unibloc.registry.manifest.ImageConfig;
import io.unibloc.registry.manifest.MediaTypes;
import io.unibloc.registry.manifest.Platform;
import io.unibloc.registry.ref.Digest;
import io.unibloc.registry.ref.ImageReference;
import io.unibloc.types.ErrorKind;
import io.unibloc.types.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageCatalogTest {
    @TempDir
    Path dir;

    private static FetchedImage image(ImageReference ref, String hex) {
        Digest d = Digest.sha256(hex.repeat(64));
        ImageConfig cfg = new ImageConfig("linux", "amd64", null, Map.of(), List.of(d), null, null, null, null, null);
        return new FetchedImage(
                ref.withDigest(d), d, d, Platform.DEFAULT, cfg, List.of(new Layer(d, MediaTypes.OCI_LAYER, 42, d)));
    }

    @Test
    void recordsListsAndRemovesByNameOrDigest() throws Exception {
        ImageCatalog c = new ImageCatalog(dir);
        ImageReference a = ImageReference.parse("127.0.0.1:5000/app:1");
        ImageReference b = ImageReference.parse("127.0.0.1:5000/app:2");
        c.record(a, image(a, "a"));
        Thread.sleep(5);
        c.record(b, image(b, "b"));
        c.record(a, image(a, "a")); // idempotent, refreshes the time
        assertThat(c.list()).extracting(ImageCatalog.Entry::name).containsExactly(a.toString(), b.toString());
        assertThat(c.find(b)).get().satisfies(e -> {
            assertThat(e.layers()).isEqualTo(1);
            assertThat(e.layerBytes()).isEqualTo(42);
            assertThat(e.pinnedReference().digest()).isEqualTo(Digest.sha256("b".repeat(64)));
        });
        assertThat(c.remove(ImageReference.parse("127.0.0.1:5000/app@sha256:" + "b".repeat(64))))
                .extracting(ImageCatalog.Entry::name)
                .containsExactly(b.toString());
        assertThat(c.remove(a)).hasSize(1);
        assertThat(c.list()).isEmpty();
        assertThatThrownBy(() -> c.remove(a))
                .isInstanceOfSatisfying(
                        StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
        try (var s = Files.list(dir)) {
            assertThat(s).isEmpty();
        }
    }
}
