package io.unibloc.blockstore.chain;

import java.util.List;

/**
 * What is known about a built chain image, kept beside it as {@code <chain>.json}. The file's mtime is the
 * chain's last use (LRU for GC).
 *
 * @param parent    the chain this one was cloned from, null for a base or merged image
 * @param layer     the digest of the layer blob applied last
 * @param sizeBytes the image file's logical size
 */
public record ChainMeta(
        String chainId,
        String fsType,
        String parent,
        List<String> diffIds,
        String layer,
        long sizeBytes,
        long builtAtMillis,
        long buildMillis) {}
