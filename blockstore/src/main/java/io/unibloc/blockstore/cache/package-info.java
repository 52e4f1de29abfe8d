/**
 * The host page cache the store's files hold: {@link io.unibloc.blockstore.cache.ResidentPages} counts one file's
 * resident pages with {@code mincore(2)} over a read-only mapping (no process per file, nothing read, nothing
 * cached by looking), and {@link io.unibloc.blockstore.cache.PageCacheScan} sums them per kind of file, each inode
 * once: an ephemeral volume's link is its chain image's inode and shares that image's cache.
 */
package io.unibloc.blockstore.cache;
