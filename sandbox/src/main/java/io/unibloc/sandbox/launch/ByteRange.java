package io.unibloc.sandbox.launch;

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
}
