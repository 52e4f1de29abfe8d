package io.unibloc.registry.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unibloc.registry.RegistryException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The one platform selection. The operator's former copy looped over the index and took the first entry whose
 * platform matched: with BuildKit's attestation entry listed first for the same platform, it pinned the
 * attestation (a manifest of in-toto layers that no node can boot). These indexes are written out by hand, as
 * registries serve them.
 */
class PlatformSelectorTest {
    private static final String IMAGE = "sha256:" + "a".repeat(64);
    private static final String ATTESTATION = "sha256:" + "b".repeat(64);
    private static final String ARM = "sha256:" + "c".repeat(64);

    private final ManifestParser parser = new ManifestParser();

    @Test
    void anAttestationForTheSamePlatformIsNeverChosen() {
        ImageIndex index = index(entry(ATTESTATION, "linux", "amd64", true), entry(IMAGE, "linux", "amd64", false));

        assertThat(PlatformSelector.select(index, Platform.DEFAULT, "image demo")
                        .digest())
                .isEqualTo(IMAGE);
    }

    @Test
    void anAttestationWithTheUnknownPlatformIsNeverChosenEither() {
        ImageIndex index =
                index(entry(ATTESTATION, "unknown", "unknown", false), entry(IMAGE, "linux", "amd64", false));

        assertThat(PlatformSelector.select(index, Platform.DEFAULT, "image demo")
                        .digest())
                .isEqualTo(IMAGE);
    }

    @Test
    void anIndexOfOnlyAttestationsHasNoImageAndSaysWhatThereIs() {
        ImageIndex index = index(entry(ATTESTATION, "linux", "amd64", true), entry(ARM, "linux", "arm64", false));

        assertThatThrownBy(() -> PlatformSelector.select(index, Platform.DEFAULT, "image demo"))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(RegistryException.Kind.NOT_FOUND);
                    assertThat(e.getMessage()).contains("image demo", "linux/amd64", "available: linux/arm64");
                });
    }

    @Test
    void theOnlyEntryOfALayoutIndexWithoutPlatformIsTheImage() {
        ImageIndex index =
                index("{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + IMAGE + "\",\"size\":10}");

        assertThat(PlatformSelector.select(index, Platform.DEFAULT, "layout").digest())
                .isEqualTo(IMAGE);
    }

    private static String entry(String digest, String os, String arch, boolean attestation) {
        return "{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + digest + "\",\"size\":500,"
                + "\"platform\":{\"architecture\":\"" + arch + "\",\"os\":\"" + os + "\"}"
                + (attestation
                        ? ",\"annotations\":{\"vnd.docker.reference.digest\":\"" + IMAGE
                                + "\",\"vnd.docker.reference.type\":\"attestation-manifest\"}"
                        : "")
                + "}";
    }

    private ImageIndex index(String... entries) {
        String json = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":["
                + String.join(",", entries) + "]}";
        return ((ManifestParser.IndexDoc) parser.parse(json.getBytes(StandardCharsets.UTF_8), null, "index")).index();
    }
}
