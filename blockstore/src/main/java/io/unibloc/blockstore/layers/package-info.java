/**
 * Applies OCI layer tars (gzip, zstd or plain) onto a directory tree — an empty directory for a base
 * layer, or a loop-mounted chain image for the next one: whiteouts, opaque directories, hard links,
 * symlinks, modes, owners, times and xattrs. Hostile layers are rejected with INVALID_ARGUMENT naming
 * the layer digest and the entry: paths outside the root, writes through links that leave it,
 * decompression bombs, entries larger than allowed. The caller builds in a temporary image and throws it
 * away on rejection, so nothing half-built survives.
 */
package io.unibloc.blockstore.layers;
