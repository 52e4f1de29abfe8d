package io.unibloc.testkit.image;

import io.unibloc.testkit.registry.Credentials;
import io.unibloc.testkit.registry.RegistryPusher;
import java.net.URI;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Pushes an artifact over the distribution API in dependency order, so the registry never sees a dangling ref. */
final class ImagePublisher {
    private static final Logger LOG = LoggerFactory.getLogger(ImagePublisher.class);

    private ImagePublisher() {}

    static PushedImage push(
            OciArtifact artifact, URI registry, Optional<Credentials> credentials, String repository, String tag) {
        RegistryPusher client = new RegistryPusher(registry, credentials);
        if (artifact instanceof TestIndex index) {
            for (TestImage image : index.images()) {
                pushImage(client, image, repository, image.digest());
            }
            putChecked(client, repository, tag, index.indexBlob());
        } else {
            pushImage(client, (TestImage) artifact, repository, tag);
        }
        String hostPort = registry.getPort() < 0 ? registry.getHost() : registry.getHost() + ":" + registry.getPort();
        LOG.info("test image pushed reference={}/{}:{} digest={}", hostPort, repository, tag, artifact.digest());
        return new PushedImage(hostPort, repository, tag, artifact.digests());
    }

    private static void pushImage(RegistryPusher client, TestImage image, String repository, String reference) {
        for (Blob blob : image.contentBlobs()) {
            client.pushBlob(repository, blob.digest(), blob.content());
        }
        putChecked(client, repository, reference, image.manifestBlob());
    }

    private static void putChecked(RegistryPusher client, String repository, String reference, Blob manifest) {
        String stored = client.putManifest(repository, reference, manifest.mediaType(), manifest.content());
        if (!stored.equals(manifest.digest())) {
            throw new IllegalStateException("registry stored " + repository + ":" + reference + " as " + stored
                    + " but the manifest's digest is " + manifest.digest());
        }
    }
}
