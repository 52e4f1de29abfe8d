package io.unibloc.sandbox.launch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The blocks of the sparse metadata copy that e2image or debugfs actually wrote, told apart from allocation
 * artefacts: a filesystem may allocate (and report as data) more than was written around a written block — tmpfs
 * with huge pages, an XFS extent-size hint — and the zero-filled rest, compared with the device, would read as
 * "changed" and be copied over the image's real data.
 *
 * <p>A block that holds data now, lies outside the data e2image left ({@code before}) and is all zeros is skipped.
 * That loses nothing, because neither tool ever needs to put an all-zero block where the device holds something
 * else outside e2image's data:
 *
 * <ul>
 *   <li>e2image writes every metadata block that is not all zeros, and leaves zero blocks as holes: outside
 *       {@code before} the device holds either zeros at a metadata block (writing zeros there changes nothing) or a
 *       block that is not metadata (file data, free space).</li>
 *   <li>debugfs writes whole filesystem blocks. The file data it writes skips all-zero blocks (libext2fs's
 *       {@code copy_file} leaves them as holes of the new file, which read as zeros whatever the disk holds), and
 *       every metadata block it creates — a directory block, an extent block, an inode table block with an inode
 *       in it, a bitmap with the group's own metadata marked — has something non-zero in it.</li>
 * </ul>
 *
 * Inside {@code before} every block is compared as it is (a metadata block debugfs zeroed must reach the overlay);
 * that is why the scratch filesystem must allocate {@code before} exactly, which {@link OverlayProjection} checks by
 * probing it.
 */
final class WrittenBlocks {

    private static final int CHUNK = 1 << 20;

    private WrittenBlocks() {}

    /**
     * @param before the data extents of {@code meta} right after e2image, ascending
     * @param after the data extents after debugfs, ascending
     * @param block the filesystem block size, dividing {@link #CHUNK}; the extents are multiples of it
     * @return {@code after} without the all-zero blocks outside {@code before}, ascending and merged
     */
    static List<ByteRange> of(Path meta, List<ByteRange> before, List<ByteRange> after, int block) throws IOException {
        List<ByteRange> written = new ArrayList<>();
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
        int next = 0; // the first extent of before that may still cover a block
        try (FileChannel channel = FileChannel.open(meta, StandardOpenOption.READ)) {
            for (ByteRange extent : after) {
                long start = extent.offset() / block * block;
                long end = (extent.end() + block - 1) / block * block;
                for (long at = start; at < end; at += CHUNK) {
                    int length = (int) Math.min(CHUNK, end - at);
                    chunk.clear().limit(length);
                    while (chunk.hasRemaining() && channel.read(chunk, at + chunk.position()) > 0) {
                        // a sparse file reads whole; its end may come before the last block's end
                    }
                    Arrays.fill(chunk.array(), chunk.position(), length, (byte) 0);
                    for (int offset = 0; offset < length; offset += block) {
                        long blockStart = at + offset;
                        while (next < before.size() && before.get(next).end() <= blockStart) {
                            next++;
                        }
                        boolean metadata =
                                next < before.size() && before.get(next).offset() < blockStart + block;
                        if (metadata || !zeros(chunk.array(), offset, Math.min(length, offset + block))) {
                            ByteRange.appendMerged(written, new ByteRange(blockStart, block));
                        }
                    }
                }
            }
        }
        return written;
    }

    private static boolean zeros(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
