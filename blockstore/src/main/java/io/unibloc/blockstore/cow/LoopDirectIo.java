package io.unibloc.blockstore.cow;

import io.unibloc.blockstore.fs.Exec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Direct I/O on the loop device under the xfs-loop store, so that a page a volume reads is cached once,
 * under its file inside XFS, and not a second time under {@code xfs.img} in the host's page cache (issue 19).
 *
 * <p>The device is switched with {@code losetup --direct-io=on} after {@code mount -o loop} attached it:
 * the mount keeps setting autoclear (an unmount frees the device), and the kernel switches a bound, mounted
 * device in place ({@code LOOP_SET_DIRECT_IO} freezes the queue and flushes), so a store mounted before this
 * change is switched the same way without an unmount. Loop direct I/O needs the device's logical block size
 * to be at least the backing filesystem's; otherwise the kernel refuses or stays buffered, so the outcome is
 * read back from {@code /sys/block/loopN/loop/dio} and logged either way. The device is found by
 * {@code losetup --associated}, which matches the file by device and inode. (This is the store's own device,
 * never a volume's; {@code host.LoopDevices}, the project's owner of loop devices, does not switch direct I/O on
 * a bound device yet.)
 */
final class LoopDirectIo {
    private static final Logger LOG = LoggerFactory.getLogger(LoopDirectIo.class);
    private static final Path SYS_BLOCK = Path.of("/sys/block");

    private LoopDirectIo() {}

    /**
     * Switches every loop device backed by {@code image} to direct I/O and drops what {@code image} already had
     * in the page cache (the superblock reads of the mount, or everything for a store mounted before). Never
     * fails the store: buffered I/O is slower on memory, not wrong.
     */
    static void enable(Path image) {
        Exec.Result found = Exec.run(
                List.of("losetup", "--noheadings", "--raw", "--output", "NAME", "--associated", image.toString()));
        List<String> devices = found.stdout()
                .lines()
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
        if (!found.ok() || devices.isEmpty()) {
            LOG.warn("store loop device not found, direct I/O not set image={} reason=\"{}\"", image, found.output());
            return;
        }
        for (String device : devices) {
            boolean wasOn = "1".equals(sysfs(device, "loop/dio"));
            Exec.Result set = wasOn ? null : Exec.run(List.of("losetup", "--direct-io=on", device));
            String dio = sysfs(device, "loop/dio");
            String blockSize = sysfs(device, "queue/logical_block_size");
            if ("1".equals(dio)) {
                LOG.info(
                        "store loop device direct I/O device={} image={} dio={} logicalBlockSize={} switched={}",
                        device,
                        image,
                        dio,
                        blockSize,
                        !wasOn);
            } else {
                LOG.warn(
                        "store loop device stays buffered, xfs.img pages are cached twice device={} image={} dio={}"
                                + " logicalBlockSize={} reason=\"{}\" hint=\"loop direct I/O needs the device's"
                                + " logical block size >= the backing filesystem's\"",
                        device,
                        image,
                        dio,
                        blockSize,
                        set == null ? "" : set.output().strip());
            }
        }
        Exec.Result drop = Exec.run(List.of("dd", "if=" + image, "iflag=nocache", "count=0", "status=none"));
        if (!drop.ok()) {
            LOG.info("cannot drop cached pages of the store file image={} reason=\"{}\"", image, drop.output());
        }
    }

    private static String sysfs(String device, String attribute) {
        try {
            return Files.readString(SYS_BLOCK
                            .resolve(Path.of(device).getFileName().toString())
                            .resolve(attribute))
                    .strip();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
