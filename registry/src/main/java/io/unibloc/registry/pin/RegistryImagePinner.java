package io.unibloc.registry.pin;

import io.unibloc.registry.RegistryException;
import io.unibloc.registry.auth.RegistryCredentials;
import io.unibloc.registry.client.ManifestResponse;
import io.unibloc.registry.client.MemoryBlobSink;
import io.unibloc.registry.client.RegistryClient;
import io.unibloc.registry.manifest.Descriptor;
import io.unibloc.registry.manifest.ManifestParser;
import io.unibloc.registry.manifest.Platform;
import io.unibloc.registry.manifest.PlatformSelector;
import io.unibloc.registry.ref.Digest;
import io.unibloc.registry.ref.ImageReference;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@link ImagePinner} of every component: the tag is resolved with one HEAD, then the manifest (for an index,
 * the platform's manifest, chosen by the {@link PlatformSelector} the engine pulls with) and the config blob are
 * read for the labels. Layers are never downloaded. Manifests and configs are content-addressed, so they are kept
 * in a small in-memory cache by digest and a digest's labels are read from the network once. Thread-safe.
 */
public final class RegistryImagePinner implements ImagePinner {
    /** Index inside index inside index is the deepest real images go. */
    private static final int MAX_NESTING = 3;
    /** Configs are a few KiB; a larger one is a broken or hostile registry. */
    private static final int MAX_CONFIG_BYTES = 4 << 20;
    /** Documents cached; each is small, and a pod's image is pinned again after its TTL. */
    private static final int CACHED_DOCUMENTS = 256;

    private final RegistryClient client;
    private final Platform platform;
    private final ManifestParser parser = new ManifestParser();
    private final Map<Digest, byte[]> documents = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Digest, byte[]> eldest) {
            return size() > CACHED_DOCUMENTS;
        }
    };

    public RegistryImagePinner(RegistryClient client, Platform platform) {
        this.client = client;
        this.platform = platform;
    }

    @Override
    public PinnedImage pin(ImageReference reference, RegistryCredentials credentials) {
        if (reference.isLayout()) {
            throw RegistryException.invalid("image " + reference + " is an oci: layout on one machine's disk; "
                    + "it needs a registry reference such as registry.example.com/app:1.0");
        }
        ImageReference pinned =
                reference.digest() != null ? reference : reference.withDigest(client.resolve(reference, credentials));
        return new PinnedImage(pinned, labels(pinned, credentials));
    }

    @Override
    public ImageReference resolve(ImageReference reference, RegistryCredentials credentials) {
        if (reference.digest() != null || reference.isLayout()) {
            return reference;
        }
        return reference.withDigest(client.resolve(reference, credentials));
    }

    private Map<String, String> labels(ImageReference pinned, RegistryCredentials credentials) {
        Digest digest = pinned.digest();
        String type = null;
        for (int depth = 0; depth < MAX_NESTING; depth++) {
            String what = "manifest " + digest + " of " + pinned;
            byte[] bytes = cached(digest);
            if (bytes == null) {
                ManifestResponse response = client.getManifest(pinned, digest.toString(), credentials);
                bytes = response.bytes();
                type = response.mediaType();
                remember(digest, bytes);
            }
            ManifestParser.Document doc = parser.parse(bytes, type, what);
            if (doc instanceof ManifestParser.ManifestDoc manifest) {
                Descriptor config = manifest.manifest().config();
                Digest configDigest = config.parsedDigest();
                return parser.parseConfig(
                                config(pinned, config, credentials), "config " + configDigest + " of " + pinned)
                        .labels();
            }
            Descriptor chosen =
                    PlatformSelector.select(((ManifestParser.IndexDoc) doc).index(), platform, "image " + pinned);
            digest = chosen.parsedDigest();
            type = chosen.mediaType();
        }
        throw RegistryException.invalid("image " + pinned + ": indexes nested deeper than " + MAX_NESTING);
    }

    private byte[] config(ImageReference pinned, Descriptor config, RegistryCredentials credentials) {
        Digest digest = config.parsedDigest();
        byte[] bytes = cached(digest);
        if (bytes == null) {
            MemoryBlobSink sink = new MemoryBlobSink(digest, MAX_CONFIG_BYTES);
            client.downloadBlob(pinned, digest, config.size(), sink, credentials, n -> {});
            bytes = sink.bytes();
            remember(digest, bytes);
        }
        return bytes;
    }

    private byte[] cached(Digest digest) {
        synchronized (documents) {
            return documents.get(digest);
        }
    }

    private void remember(Digest digest, byte[] bytes) {
        synchronized (documents) {
            documents.put(digest, bytes);
        }
    }
}
