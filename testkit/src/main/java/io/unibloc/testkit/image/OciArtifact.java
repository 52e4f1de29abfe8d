package io.unibloc.testkit.image;

import io.unibloc.testkit.registry.Credentials;
import io.unibloc.testkit.registry.TestRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Something that can be published under a tag: a single-platform {@link TestImage} or a multi-platform
 * {@link TestIndex}.
 */
public sealed interface OciArtifact permits TestImage, TestIndex {

    /** Digest of the top-level document (manifest or index). */
    String digest();

    /** Media type of the top-level document. */
    String mediaType();

    /** The top-level document (manifest or index JSON), a copy. */
    byte[] bytes();

    /** Every digest involved, for assertions. */
    ImageDigests digests();

    /**
     * Every blob, children before parents: layers and configs, then platform manifests, then the top-level
     * document last.
     */
    List<Blob> blobs();

    /**
     * Pushes all blobs and manifests (platform manifests by digest, then the top level by tag) to a test registry,
     * with its credentials if it requires auth. Idempotent: pushing again re-tags and skips existing blobs.
     *
     * @throws io.unibloc.testkit.registry.RegistryException if the registry refuses a request
     * @throws IllegalArgumentException if repository or tag is not a valid distribution name
     */
    default PushedImage push(TestRegistry registry, String repository, String tag) {
        return push(registry.url(), registry.credentials(), repository, tag);
    }

    /** As {@link #push(TestRegistry, String, String)} for any registry base URL such as {@code http://host:5000}. */
    default PushedImage push(URI registry, Optional<Credentials> credentials, String repository, String tag) {
        return ImagePublisher.push(this, registry, credentials, repository, tag);
    }

    /**
     * Writes (or adds to) an OCI image layout directory: {@code oci-layout}, {@code blobs/sha256/<hex>} and an
     * {@code index.json} entry annotated {@code org.opencontainers.image.ref.name=<tag>}. An existing layout keeps
     * its other entries; an entry with the same tag is replaced. Files are written to a temporary name and renamed,
     * so a reader never sees half a blob.
     *
     * @return the digests, as {@link #digests()}
     */
    default ImageDigests writeLayout(Path directory, String tag) {
        OciLayout.write(this, directory, tag);
        return digests();
    }
}
