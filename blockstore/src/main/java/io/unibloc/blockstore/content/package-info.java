/**
 * The content-addressed blob store: every blob lives under {@code blobs/sha256/<hex>} and is only ever
 * visible there after its bytes were hashed, fsynced and atomically renamed into place. Writers of one
 * digest are serialised across threads and processes by the digest's key in the engine's one keyed lock
 * ({@code lock.KeyedLocks}), so a blob is fetched once.
 */
package io.unibloc.blockstore.content;
