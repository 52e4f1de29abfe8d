package io.unibloc.sandbox.volume;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads a device around the page cache ({@code O_DIRECT}), so that what the launcher reads while preparing a boot
 * (the superblock, the blocks an overlay projection compares, a vfat root's copy) is not left cached under the
 * guest's own loop device, where the store's page-cache accounting does not see it and every guest would hold its
 * own copy. Reads are widened to {@link #ALIGNMENT} through an aligned buffer.
 *
 * <p>Only a block device is read directly (the rule {@code debugfs -D} follows too): a block device takes aligned
 * direct reads whatever is on it, while a regular file's filesystem may accept {@code O_DIRECT} at open and then
 * refuse the reads with {@code EINVAL} (FUSE, 9p, overlayfs over some lower layers), which would fail the boot. A
 * regular file is read through the page cache: correct, only cached, and a file is not the guest's loop device.
 */
public final class DirectReader implements Closeable {

    /** Offset, length and buffer alignment: a multiple of every logical block size a loop device or disk has. */
    public static final int ALIGNMENT = 4096;

    private final Path path;
    private final FileChannel channel;
    private final boolean direct;
    private ByteBuffer buffer = ByteBuffer.allocateDirect(0);

    private DirectReader(Path path, FileChannel channel, boolean direct) {
        this.path = path;
        this.channel = channel;
        this.direct = direct;
    }

    /**
     * Direct for a block device (buffered if the device refuses {@code O_DIRECT} at open), buffered for anything
     * else.
     *
     * @throws IOException when the file cannot be opened for reading at all
     */
    public static DirectReader open(Path path) throws IOException {
        if (DeviceInfo.isBlockDevice(path)) {
            try {
                return new DirectReader(
                        path, FileChannel.open(path, StandardOpenOption.READ, ExtendedOpenOption.DIRECT), true);
            } catch (UnsupportedOperationException | IOException e) {
                // fall through to a buffered read: correct, only cached
            }
        }
        return new DirectReader(path, FileChannel.open(path, StandardOpenOption.READ), false);
    }

    /** Whether reads bypass the page cache. */
    public boolean direct() {
        return direct;
    }

    public long size() throws IOException {
        return channel.size();
    }

    /**
     * Reads {@code length} bytes at {@code position} into {@code into[0..length)}.
     *
     * @return the bytes read: fewer than {@code length} only where the file ends
     */
    public int read(long position, byte[] into, int length) throws IOException {
        long start = direct ? position / ALIGNMENT * ALIGNMENT : position;
        int head = (int) (position - start);
        int span = direct ? (head + length + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT : length;
        if (buffer.capacity() < span) {
            // alignedSlice rounds both ends to ALIGNMENT: only a whole number of blocks plus one is sure to hold span
            int blocks = (span + ALIGNMENT - 1) / ALIGNMENT;
            buffer = ByteBuffer.allocateDirect((blocks + 1) * ALIGNMENT).alignedSlice(ALIGNMENT);
        }
        buffer.clear().limit(span);
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, start + buffer.position());
            if (read <= 0) {
                break; // the end of the file or device
            }
        }
        int got = Math.max(0, Math.min(length, buffer.position() - head));
        buffer.flip().position(Math.min(head, buffer.limit()));
        buffer.get(into, 0, got);
        return got;
    }

    /** Like {@link #read} but the whole range must be there. */
    public void readFully(long position, byte[] into, int length) throws IOException {
        int got = read(position, into, length);
        if (got < length) {
            throw new IOException(path + " ends at byte " + (position + got) + ", before byte " + (position + length)
                    + " that is needed");
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
