package io.unibloc.registry.ref;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unibloc.registry.RegistryException;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferenceTest {
    private static final String HEX = "a".repeat(64);

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "busybox, docker.io, library/busybox, latest",
        "busybox:1.36, docker.io, library/busybox, 1.36",
        "user/app, docker.io, user/app, latest",
        "127.0.0.1:5000/demo/app:1.0, 127.0.0.1:5000, demo/app, 1.0",
        "localhost/app, localhost, app, latest",
        "ghcr.io/org/app:v2, ghcr.io, org/app, v2",
    })
    void parsesRegistryReferences(String text, String registry, String repository, String tag) {
        ImageReference ref = ImageReference.parse(text);
        assertThat(ref.registry()).isEqualTo(registry);
        assertThat(ref.repository()).isEqualTo(repository);
        assertThat(ref.tag()).isEqualTo(tag);
        assertThat(ref.isLayout()).isFalse();
        assertThat(ImageReference.parse(ref.toString())).isEqualTo(ref);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"", "UPPER/case", "app:bad tag", "app@sha256:xyz", "a//b", "oci:"})
    void rejectsMalformed(String text) {
        assertThatThrownBy(() -> ImageReference.parse(text))
                .isInstanceOfSatisfying(
                        RegistryException.class,
                        e -> assertThat(e.kind()).isEqualTo(RegistryException.Kind.INVALID_ARGUMENT));
    }

    @org.junit.jupiter.api.Test
    void digestPinsAndKeepsTag() {
        ImageReference ref = ImageReference.parse("127.0.0.1:5000/app:1.0@sha256:" + HEX);
        assertThat(ref.digest()).isEqualTo(Digest.sha256(HEX));
        assertThat(ref.tag()).isEqualTo("1.0");
        assertThat(ref.manifestKey()).isEqualTo("sha256:" + HEX);
        ImageReference untagged = ImageReference.parse("127.0.0.1:5000/app@sha256:" + HEX);
        assertThat(untagged.tag()).isNull();
    }

    @org.junit.jupiter.api.Test
    void parsesOciLayouts() {
        ImageReference plain = ImageReference.parse("oci:/srv/images/app");
        assertThat(plain.isLayout()).isTrue();
        assertThat(plain.layout()).isEqualTo(Path.of("/srv/images/app"));
        assertThat(plain.tag()).isNull();
        assertThat(plain.registry()).isEqualTo(ImageReference.OCI_LAYOUT_REGISTRY);

        ImageReference tagged = ImageReference.parse("oci:/srv/images/app:1.0");
        assertThat(tagged.tag()).isEqualTo("1.0");
        assertThat(tagged.layout()).isEqualTo(Path.of("/srv/images/app"));

        ImageReference pinned = ImageReference.parse("oci:/srv/x:v1@sha256:" + HEX);
        assertThat(pinned.digest()).isEqualTo(Digest.sha256(HEX));
        assertThat(ImageReference.parse(pinned.toString())).isEqualTo(pinned);

        // A colon in a parent directory is not a tag.
        ImageReference colonDir = ImageReference.parse("oci:/tmp/a:b/dir");
        assertThat(colonDir.tag()).isNull();
        assertThat(colonDir.layout()).isEqualTo(Path.of("/tmp/a:b/dir"));

        ImageReference relative = ImageReference.parse("oci:build/out");
        assertThat(relative.layout()).isAbsolute().endsWithRaw(Path.of("build/out"));
    }
}
