/**
 * The block store engine: turns OCI images into copy-on-write block images, one per layer chain, and
 * hands out O(1) volume clones of them. {@link io.unibloc.blockstore.BlockStore} is the whole public
 * surface; the sub-packages are its parts. Nothing here depends on Kubernetes, CSI or Quarkus.
 */
package io.unibloc.blockstore;
