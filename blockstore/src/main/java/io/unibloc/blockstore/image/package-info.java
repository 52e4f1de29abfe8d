/**
 * OCI image models (manifest, index, config) and {@link io.unibloc.blockstore.image.ImageFetcher},
 * which makes sure an image's manifest, config and layer blobs are verified in the content store, from a
 * registry or an {@code oci:} layout directory, and describes the result as a
 * {@link io.unibloc.blockstore.image.FetchedImage}.
 */
package io.unibloc.blockstore.image;
