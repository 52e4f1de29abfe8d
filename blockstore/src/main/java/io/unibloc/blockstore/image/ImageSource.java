package io.unibloc.blockstore.image;

import io.unibloc.blockstore.content.BlobWriter;
import io.unibloc.registry.client.ManifestResponse;
import io.unibloc.registry.ref.Digest;
import java.util.function.LongConsumer;

/** Where an image's documents and blobs come from: a registry, an OCI layout, or nowhere (store only). */
sealed interface ImageSource permits RegistrySource, LayoutSource, OfflineSource {

    /** For messages and metric tags, e.g. {@code registry 127.0.0.1:5000} or {@code oci-layout}. */
    String describe();

    String metricTag();

    /** The top document for the reference's tag (or digest). */
    ManifestResponse top();

    /** The digest the reference's tag names now. */
    Digest resolve();

    /** A manifest or index by digest, verified. */
    ManifestResponse manifest(Digest digest);

    /** Fills and commits {@code writer} with blob {@code digest}; NOT_FOUND when the source lacks it. */
    void fetchBlob(Digest digest, long size, BlobWriter writer, LongConsumer onBytes);
}
