package io.unibloc.sandbox.launch;

import java.util.List;

/**
 * A run of bytes in a disk image: where it starts and how long it is.
 *
 * @param offset the first byte, from the start of the image
 * @param length how many bytes, more than zero
 */
record ByteRange(long offset, long length) {

    ByteRange {
        if (offset < 0 || length <= 0) {
            throw new IllegalArgumentException("not a byte range: offset " + offset + ", length " + length);
        }
    }

    /** The first byte after the range. */
    long end() {
        return offset + length;
    }

    /** Appends {@code next} to ascending {@code ranges}, merged into the last one when they touch. */
    static void appendMerged(List<ByteRange> ranges, ByteRange next) {
        if (!ranges.isEmpty() && ranges.get(ranges.size() - 1).end() == next.offset()) {
            ByteRange last = ranges.remove(ranges.size() - 1);
            ranges.add(new ByteRange(last.offset(), last.length() + next.length()));
        } else {
            ranges.add(next);
        }
    }
}
