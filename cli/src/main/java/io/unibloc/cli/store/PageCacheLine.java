package io.unibloc.cli.store;

import io.unibloc.blockstore.BlockStore;
import io.unibloc.cli.Sizes;

/**
 * The {@code page cache} line of {@code unibloc df}: the figures when the store could count them, else "unknown"
 * and why — never a 0 that would read as an empty cache, nor the file sizes the kernel reports to a caller that
 * may not write the store's files.
 */
final class PageCacheLine {
    private PageCacheLine() {}

    static String of(BlockStore.PageCacheUsage cache) {
        if (!cache.known()) {
            return "page cache unknown (" + cache.unknownCause() + ")";
        }
        return String.format(
                "page cache %s (chains %s, persistent volumes %s, backend file %s, blobs %s)",
                Sizes.format(cache.totalBytes()),
                Sizes.format(cache.chainBytes()),
                Sizes.format(cache.volumeBytes()),
                Sizes.format(cache.backendFileBytes()),
                Sizes.format(cache.blobBytes()));
    }
}
