/**
 * The host's block devices as the engine and the node plugin both use them: loop devices attached, found by the
 * identity of their backing file (whatever mount namespace attached them) and detached. Part of the engine's
 * public surface beside {@link io.unibloc.blockstore.BlockStore}: one owner of loop devices for the whole project.
 */
package io.unibloc.blockstore.host;
