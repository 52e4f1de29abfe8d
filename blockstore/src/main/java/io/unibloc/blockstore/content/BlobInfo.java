package io.unibloc.blockstore.content;

import io.unibloc.registry.ref.Digest;
import java.time.Instant;

/** A stored blob as garbage collection sees it: its size on disk and when it was last used. */
public record BlobInfo(Digest digest, long size, Instant lastUsed) {}
