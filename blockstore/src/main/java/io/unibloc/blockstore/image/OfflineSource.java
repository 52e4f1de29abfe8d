package io.unibloc.blockstore.image;

import io.unibloc.blockstore.content.BlobWriter;
import io.unibloc.registry.client.ManifestResponse;
import io.unibloc.registry.ref.Digest;
import io.unibloc.registry.ref.ImageReference;
import io.unibloc.types.StoreException;
import java.util.function.LongConsumer;

/** No source at all: whatever is not in the content store is NOT_FOUND. */
record OfflineSource(ImageReference ref) implements ImageSource {

    @Override
    public String describe() {
        return "the content store (offline)";
    }

    @Override
    public String metricTag() {
        return "offline";
    }

    @Override
    public ManifestResponse top() {
        throw StoreException.notFound("image " + ref + " is not in the content store");
    }

    @Override
    public Digest resolve() {
        throw StoreException.notFound("image " + ref + " is not pinned and the store is offline");
    }

    @Override
    public ManifestResponse manifest(Digest digest) {
        throw StoreException.notFound("manifest " + digest + " of " + ref + " is not in the content store");
    }

    @Override
    public void fetchBlob(Digest digest, long size, BlobWriter writer, LongConsumer onBytes) {
        throw StoreException.notFound("blob " + digest + " of " + ref + " is not in the content store");
    }
}
