/**
 * Copy-on-write file clones, behind one interface with three backends: {@code reflink} (FICLONE where
 * the store directory's filesystem shares blocks, XFS or btrfs), {@code xfs-loop} (the store creates
 * and loop-mounts an XFS file and lives inside it, for nodes whose disk cannot reflink) and {@code copy}
 * (a real copy, the baseline). {@link io.unibloc.blockstore.cow.Backends} probes which one works.
 */
package io.unibloc.blockstore.cow;
