package io.unibloc.sandbox.launch;

import io.unibloc.sandbox.volume.DirectReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which units of a modified copy differ from the device it was taken from, as contiguous runs: what a copy-on-write
 * overlay of the device has to hold so that it shows the copy. Only the {@code candidates} are compared (the parts
 * of a sparse copy that hold data); everything outside them is taken to be the device's. The device is read
 * around the page cache ({@link DirectReader}): the guest's own loop device should not keep the blocks compared.
 */
final class ChangedBlocks {

    /** Read this much of each side at a time: large enough to stream, small enough for the start path's heap. */
    private static final int CHUNK = 1 << 20;

    private ChangedBlocks() {}

    /**
     * @param unit the comparison unit in bytes (a power of two dividing {@link #CHUNK}): the candidates are widened
     *     to whole units, and a unit is copied whole when one byte of it differs
     * @param candidates ascending, not overlapping
     * @return the differing runs, ascending and merged where they touch
     * @throws IOException when either side cannot be read, or the device ends before a candidate does
     */
    static List<ByteRange> find(Path copy, Path device, List<ByteRange> candidates, int unit) throws IOException {
        if (unit <= 0 || CHUNK % unit != 0) {
            throw new IllegalArgumentException("comparison unit " + unit + " does not divide " + CHUNK);
        }
        List<ByteRange> runs = new ArrayList<>();
        ByteBuffer mine = ByteBuffer.allocate(CHUNK);
        ByteBuffer theirs = ByteBuffer.allocate(CHUNK);
        try (FileChannel copied = FileChannel.open(copy, StandardOpenOption.READ);
                DirectReader original = DirectReader.open(device)) {
            long copySize = copied.size();
            long compared = 0; // widened candidates may share a unit: compare it once
            for (ByteRange candidate : candidates) {
                long start = Math.max(compared, candidate.offset() / unit * unit);
                long end = Math.min(copySize, (candidate.end() + unit - 1) / unit * unit);
                compared = Math.max(compared, end);
                for (long at = start; at < end; at += CHUNK) {
                    int length = (int) Math.min(CHUNK, end - at);
                    readFully(copied, mine, at, length, copy);
                    original.readFully(at, theirs.array(), length);
                    for (int unitStart = 0; unitStart < length; unitStart += unit) {
                        int unitEnd = Math.min(length, unitStart + unit);
                        if (!Arrays.equals(mine.array(), unitStart, unitEnd, theirs.array(), unitStart, unitEnd)) {
                            ByteRange.appendMerged(runs, new ByteRange(at + unitStart, unitEnd - unitStart));
                        }
                    }
                }
            }
        }
        return runs;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position, int length, Path path)
            throws IOException {
        buffer.clear().limit(length);
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, position + buffer.position());
            if (read < 0) {
                throw new IOException(path + " ends at byte " + (position + buffer.position()) + ", before byte "
                        + (position + length) + " that the comparison needs");
            }
        }
    }
}
