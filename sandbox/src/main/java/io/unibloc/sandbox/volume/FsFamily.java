package io.unibloc.sandbox.volume;

/** The filesystems the sandbox can read and write without mounting. */
public enum FsFamily {
    /** ext2, ext3 or ext4 (one superblock magic; {@code debugfs} handles all three). */
    EXT,
    /** FAT12/16/32 as written by {@code mkfs.vfat}. */
    VFAT,
    /** Anything else, including a raw disk image with a partition table. */
    UNKNOWN
}
