package io.unibloc.blockstore.image;

import io.micrometer.core.instrument.MeterRegistry;
import io.unibloc.blockstore.BlockStore;
import io.unibloc.blockstore.StoreException;
import io.unibloc.blockstore.content.ContentStore;
import io.unibloc.blockstore.registry.ImageReference;
import io.unibloc.blockstore.registry.RegistryConfig;
import io.unibloc.blockstore.registry.RegistryCredentials;
import java.util.Optional;

/**
 * Makes sure an image's manifest, config and layer blobs are in the {@link ContentStore}, verified,
 * from a registry or an {@code oci:} layout directory. Blobs already stored are not fetched again;
 * concurrent fetches of the same blob (threads or processes) download it once. Thread-safe; close it
 * to stop its download threads.
 */
public final class ImageFetcher implements AutoCloseable {
    private final ContentStore store;
    private final RegistryConfig config;
    private final MeterRegistry meters;

    public ImageFetcher(ContentStore store, RegistryConfig config, MeterRegistry meters) {
        this.store = store;
        this.config = config;
        this.meters = meters;
    }

    /**
     * Fetches what is missing and describes the image for {@code platform}. A pinned reference whose
     * blobs are all stored needs no network. Errors: NOT_FOUND (no such image, tag or platform — the
     * message lists the platforms there are), UNAUTHENTICATED, UNAVAILABLE (unreachable, or still
     * failing after the retries), INVALID_ARGUMENT (a blob that does not match its digest, a malformed
     * manifest). Nothing unverified is ever stored.
     */
    public FetchedImage fetch(ImageReference reference, Platform platform, RegistryCredentials credentials,
                              BlockStore.Progress progress) {
        throw new StoreException(io.unibloc.blockstore.ErrorKind.INTERNAL, "not implemented yet");
    }

    /**
     * Resolves a tag to the digest served now (HEAD on the manifest; for layouts the index entry). A
     * pinned reference is returned as is without a request. Errors as {@link #fetch}.
     */
    public ImageReference pin(ImageReference reference, RegistryCredentials credentials) {
        throw new StoreException(io.unibloc.blockstore.ErrorKind.INTERNAL, "not implemented yet");
    }

    /** The image as far as the content store alone can describe it (pinned references only); no network. */
    public Optional<FetchedImage> cached(ImageReference pinned, Platform platform) {
        return Optional.empty();
    }

    @Override
    public void close() {
    }
}
