package io.unibloc.blockstore.fs;

import io.unibloc.types.StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The figures of an unmounted ext2/3/4 image that sizing needs, read straight from its superblock
 * (1024 bytes at offset 1024) instead of spawning {@code dumpe2fs}. Counts are exact for an image that
 * was unmounted cleanly, which is the only kind the engine reads.
 */
public record ExtSuperblock(
        long blockSize,
        long blocksCount,
        long freeBlocks,
        long inodesCount,
        long freeInodes,
        long blocksPerGroup,
        long inodesPerGroup,
        long incompatFeatures) {
    private static final int MAGIC = 0xEF53;
    private static final int INCOMPAT_EXTENTS = 0x40;
    private static final int INCOMPAT_64BIT = 0x80;
    /** The kernel's ext4 holds back 2% of the blocks, at most this many, for metadata (s_resv_clusters). */
    private static final long KERNEL_RESERVE_MAX_BLOCKS = 4096;

    public static ExtSuperblock read(Path image) {
        ByteBuffer sb = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(image, StandardOpenOption.READ)) {
            while (sb.hasRemaining() && channel.read(sb, 1024L + sb.position()) > 0) {
                // read the whole superblock
            }
        } catch (IOException e) {
            throw StoreException.internal("cannot read the superblock of " + image + ": " + e.getMessage(), e);
        }
        if (sb.hasRemaining() || (sb.getShort(56) & 0xFFFF) != MAGIC) {
            throw StoreException.internal("not an ext2/3/4 image: " + image, null);
        }
        boolean wide = (sb.getInt(0x60) & INCOMPAT_64BIT) != 0;
        long blocks = u32(sb, 4) | (wide ? u32(sb, 0x150) << 32 : 0);
        long free = u32(sb, 12) | (wide ? u32(sb, 0x158) << 32 : 0);
        return new ExtSuperblock(
                1024L << u32(sb, 24), blocks, free, u32(sb, 0), u32(sb, 16), u32(sb, 32), u32(sb, 40), u32(sb, 0x60));
    }

    /**
     * Blocks the kernel's ext4 driver keeps out of reach of ordinary file writes once mounted, for an image
     * of {@code blocks} blocks: with extents it reserves {@code min(blocks / 50, 4096)} clusters
     * (ext4_calculate_resv_clusters) so that extent-tree splits cannot fail; {@code df} and ENOSPC see
     * {@code free - reserve}, the superblock's free count does not. Root-reserved blocks ({@code -m}) are
     * not counted: the engine writes as root, which may use them.
     */
    public long kernelReservedBlocks(long blocks) {
        return (incompatFeatures & INCOMPAT_EXTENTS) == 0 ? 0 : Math.min(blocks / 50, KERNEL_RESERVE_MAX_BLOCKS);
    }

    public long bytes() {
        return blocksCount * blockSize;
    }

    private static long u32(ByteBuffer buffer, int offset) {
        return buffer.getInt(offset) & 0xFFFFFFFFL;
    }
}
