/**
 * Host filesystem facilities the engine needs and the JDK lacks: running the e2fsprogs / dosfstools /
 * util-linux tools, a few libc calls through JNA (xattrs, FIFOs, FICLONE, FIEMAP), loop mounts, ext
 * superblock reading and the checks ({@code e2fsck -fn}, {@code fsck.vfat -n}) that prove an image sound.
 * Failures of these tools are {@link io.unibloc.types.StoreException}s of kind INTERNAL carrying
 * the command and its output.
 */
package io.unibloc.blockstore.fs;
