/**
 * Ephemeral volumes that share the node's page cache. Each volume is a hard link of its chain image (the
 * same inode, so the same page cache) attached as a read-only, buffered loop device of its own; the guest's
 * writes go to a copy-on-write overlay in the VMM (a qcow2 file in the Pod's scratch space), never to the
 * chain image. Which device belongs to which volume is read from the kernel (the loop device's backing
 * path names the volume), so it survives a restart of the process that attached it.
 */
package io.unibloc.blockstore.ephemeral;
