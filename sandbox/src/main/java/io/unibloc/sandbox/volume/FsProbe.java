package io.unibloc.sandbox.volume;

import io.unibloc.sandbox.tool.ProcessRunner;
import io.unibloc.sandbox.tool.ToolException;
import io.unibloc.sandbox.tool.ToolResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Recognises the filesystem on a device by its magic bytes, read directly (no process, no mount).
 * {@code blkid} is consulted only to name an unsupported filesystem in an error message.
 */
public final class FsProbe {

    private static final int EXT_MAGIC_OFFSET = 1024 + 56;
    private static final int EXT_LOG_BLOCK_SIZE_OFFSET = 1024 + 24;
    private static final int PROBE_BYTES = 4096;

    private final ProcessRunner runner;

    public FsProbe(ProcessRunner runner) {
        this.runner = runner;
    }

    /** @throws VolumeException when the device cannot be read */
    public FsFamily detect(Path device) throws VolumeException {
        ByteBuffer head = head(device);
        return detect(head.array(), head.position());
    }

    /**
     * The block size of the ext filesystem on {@code device}, from its superblock: a projection into a sparse copy
     * of the filesystem's metadata relies on it (see the launcher's overlay projection).
     *
     * @throws VolumeException when the device cannot be read or holds no ext filesystem
     */
    public int extBlockSize(Path device) throws VolumeException {
        ByteBuffer head = head(device);
        if (detect(head.array(), head.position()) != FsFamily.EXT) {
            throw new VolumeException(device + " holds no ext filesystem, so it has no ext block size");
        }
        int blockSize = extBlockSize(head.array());
        if (blockSize < 0) {
            throw new VolumeException("unreadable ext superblock on " + device
                    + ": its block size field (s_log_block_size) is out of range, so the filesystem is corrupt");
        }
        return blockSize;
    }

    /** Pure form of {@link #extBlockSize(Path)}: {@code 1024 << s_log_block_size} of a superblock at 1024. */
    static int extBlockSize(byte[] head) {
        int log = ByteBuffer.wrap(head, EXT_LOG_BLOCK_SIZE_OFFSET, 4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .getInt();
        return log >= 0 && log <= 6 ? 1024 << log : -1;
    }

    /** Read around the page cache: a guest's own loop device should not keep its superblock cached (issue 19). */
    private static ByteBuffer head(Path device) throws VolumeException {
        byte[] bytes = new byte[PROBE_BYTES];
        try (DirectReader reader = DirectReader.open(device)) {
            ByteBuffer head = ByteBuffer.wrap(bytes);
            head.position(reader.read(0, bytes, PROBE_BYTES));
            return head;
        } catch (IOException e) {
            throw new VolumeException("cannot read " + device + " to find its filesystem: " + e.getMessage(), e);
        }
    }

    /** Pure form of {@link #detect(Path)}: classifies the first {@code length} bytes of a device. */
    public static FsFamily detect(byte[] head, int length) {
        if (length > EXT_MAGIC_OFFSET + 1
                && (head[EXT_MAGIC_OFFSET] & 0xff) == 0x53
                && (head[EXT_MAGIC_OFFSET + 1] & 0xff) == 0xEF) {
            return FsFamily.EXT;
        }
        if (length >= 512 && (head[510] & 0xff) == 0x55 && (head[511] & 0xff) == 0xAA) {
            int jump = head[0] & 0xff;
            boolean bootJump = jump == 0xEB || jump == 0xE9;
            String fat16 = new String(head, 54, 5, StandardCharsets.US_ASCII);
            String fat32 = new String(head, 82, 5, StandardCharsets.US_ASCII);
            if (bootJump && (fat16.startsWith("FAT1") || fat32.equals("FAT32"))) {
                return FsFamily.VFAT;
            }
        }
        return FsFamily.UNKNOWN;
    }

    /** What {@code blkid -p} calls the content of the device, for error messages ("xfs", "raw data"). */
    public String describe(Path device) {
        try {
            ToolResult result = runner.run(List.of("blkid", "-p", "-o", "value", "-s", "TYPE", device.toString()));
            String type = result.stdout().strip();
            if (result.ok() && !type.isEmpty()) {
                return type;
            }
            result = runner.run(List.of("blkid", "-p", "-o", "value", "-s", "PTTYPE", device.toString()));
            String table = result.stdout().strip();
            return result.ok() && !table.isEmpty() ? "a disk with a " + table + " partition table" : "raw data";
        } catch (ToolException e) {
            return "unknown content";
        }
    }
}
