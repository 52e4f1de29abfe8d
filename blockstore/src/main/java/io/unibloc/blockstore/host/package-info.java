/**
 * The host's block devices as the engine and the node plugin both use them: loop devices attached (read-only,
 * direct I/O), switched to direct I/O in place, found by the identity of their backing file (whatever mount
 * namespace attached them) and detached. Part of the engine's public surface beside {@link
 * io.unibloc.blockstore.BlockStore}: one owner of loop devices for the whole project (the xfs-loop store's own
 * device included).
 */
package io.unibloc.blockstore.host;
