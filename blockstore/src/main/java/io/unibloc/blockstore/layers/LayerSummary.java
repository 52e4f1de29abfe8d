package io.unibloc.blockstore.layers;

/**
 * What a layer adds at most, for sizing the image it is applied to before mounting it.
 *
 * @param entries           tar entries (an upper bound on the inodes it creates)
 * @param dataBytes         regular-file content, each file rounded up to 4 KiB blocks
 * @param directories       directory entries (each may need a block)
 * @param uncompressedBytes the tar stream's length
 */
public record LayerSummary(long entries, long dataBytes, long directories, long uncompressedBytes) {}
