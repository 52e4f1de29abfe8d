/**
 * {@link io.unibloc.blockstore.image.ImageFetcher}, which makes sure an image's manifest, config and layer blobs are
 * verified in the content store, from a registry (through the registry module's client) or an {@code oci:} layout
 * directory, and describes the result as a {@link io.unibloc.blockstore.image.FetchedImage}. Registry failures
 * become the engine's {@link io.unibloc.types.StoreException}s here, at the engine's boundary.
 */
package io.unibloc.blockstore.image;
