/**
 * The block store engine: turns OCI images into copy-on-write block images, one per layer chain, and
 * hands out O(1) volume clones of them (persistent) or read-only devices of them (ephemeral).
 * {@link io.unibloc.blockstore.BlockStore} is the whole volume surface: callers open a
 * {@link io.unibloc.blockstore.DefaultBlockStore} and use it only through the interface. Besides this package,
 * callers may use {@code host} (loop devices, shared with the node plugin), the image fetcher and content store
 * ({@code image}, {@code content}, which the CLI shares with its store), the page-cache counter ({@code cache},
 * which benchmarks can share with the engine's accounting) and the host tool runner and mount table
 * ({@code fs.Exec}, {@code fs.Deadlines}, {@code fs.MountTable}); every other sub-package is the engine's inside,
 * which e2e's EngineBoundaryTest keeps out of every other module's reach. Nothing here depends on Kubernetes, CSI
 * or Quarkus.
 */
package io.unibloc.blockstore;
