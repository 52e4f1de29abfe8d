/**
 * Reading files out of, and projecting files into, the guest's root filesystem on its block device, without
 * mounting it: the host never has a volume mounted that a guest is about to use, and the sandbox container
 * needs no mount privileges. ext2/3/4 is handled by {@code debugfs}, vfat by {@code mtools}; anything else
 * (a raw disk) is opaque, so its kernel must come from a host path and nothing can be projected into it.
 * For an ephemeral root the same projection runs on a scratch copy of the filesystem (its metadata only, for
 * ext) whose changed blocks the launcher then writes into the guest's overlay.
 */
package io.unibloc.sandbox.volume;
