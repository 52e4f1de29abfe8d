package io.unibloc.operator.pin;

import io.unibloc.blockstore.StoreException;
import io.unibloc.blockstore.content.BlobWriter;
import io.unibloc.blockstore.content.ContentStore;
import io.unibloc.blockstore.image.Descriptor;
import io.unibloc.blockstore.image.ImageFetcher;
import io.unibloc.blockstore.image.ImageIndex;
import io.unibloc.blockstore.image.ManifestParser;
import io.unibloc.blockstore.image.Platform;
import io.unibloc.blockstore.registry.Digest;
import io.unibloc.blockstore.registry.ImageReference;
import io.unibloc.blockstore.registry.ManifestResponse;
import io.unibloc.blockstore.registry.RegistryClient;
import io.unibloc.blockstore.registry.RegistryCredentials;
import java.util.Map;

/**
 * The production {@link ImagePinner}: the block store's {@link ImageFetcher#pin} resolves the tag (one
 * HEAD), then the manifest (and, for an index, the platform's manifest) and the config blob are read
 * through the same {@link RegistryClient} for the labels. Layers are never downloaded. Manifests and
 * configs land in a small content store, so a digest's labels are read from the network once.
 */
public final class RegistryImagePinner implements ImagePinner {
    /** Index inside index inside index is the deepest real images go. */
    private static final int MAX_NESTING = 3;

    private final ImageFetcher fetcher;
    private final RegistryClient client;
    private final ContentStore store;
    private final Platform platform;
    private final ManifestParser parser = new ManifestParser();

    public RegistryImagePinner(ImageFetcher fetcher, RegistryClient client, ContentStore store, Platform platform) {
        this.fetcher = fetcher;
        this.client = client;
        this.store = store;
        this.platform = platform;
    }

    @Override
    public PinnedImage pin(ImageReference reference, RegistryCredentials credentials) {
        if (reference.isLayout()) {
            throw StoreException.invalid("image " + reference + " is an oci: layout on one machine's disk; "
                    + "a UnikernelPod needs a registry reference such as registry.example.com/app:1.0");
        }
        ImageReference pinned = fetcher.pin(reference, credentials);
        return new PinnedImage(pinned, labels(pinned, credentials));
    }

    private Map<String, String> labels(ImageReference pinned, RegistryCredentials credentials) {
        Digest digest = pinned.digest();
        String type = null;
        for (int depth = 0; depth < MAX_NESTING; depth++) {
            String what = "manifest " + digest + " of " + pinned;
            byte[] bytes;
            if (store.contains(digest)) {
                bytes = store.read(digest);
            } else {
                ManifestResponse response = client.getManifest(pinned, digest.toString(), credentials);
                bytes = response.bytes();
                type = response.mediaType();
                store.put(bytes);
            }
            ManifestParser.Document doc = parser.parse(bytes, type, what);
            if (doc instanceof ManifestParser.ManifestDoc manifest) {
                Descriptor config = manifest.manifest().config();
                Digest configDigest = config.parsedDigest();
                if (!store.contains(configDigest)) {
                    try (BlobWriter writer = store.openWriter(configDigest, config.size(), pinned.toString())) {
                        if (!writer.alreadyPresent()) {
                            client.downloadBlob(pinned, configDigest, config.size(), writer, credentials, n -> {});
                        }
                    }
                }
                return parser.parseConfig(store.read(configDigest), "config " + configDigest + " of " + pinned)
                        .labels();
            }
            Descriptor chosen = select(((ManifestParser.IndexDoc) doc).index(), what);
            digest = chosen.parsedDigest();
            type = chosen.mediaType();
        }
        throw StoreException.invalid("image " + pinned + ": indexes nested deeper than " + MAX_NESTING);
    }

    private Descriptor select(ImageIndex index, String what) {
        for (Descriptor d : index.manifests()) {
            if (d.platform() != null
                    && d.platform().os() != null
                    && d.platform().architecture() != null
                    && platform.accepts(d.platform().toPlatform())) {
                return d;
            }
        }
        if (index.manifests().size() == 1 && index.manifests().get(0).platform() == null) {
            return index.manifests().get(0);
        }
        throw StoreException.notFound(what + " is an index without an image for platform " + platform);
    }
}
