package io.unibloc.sandbox.volume;

import io.unibloc.sandbox.tool.ProcessRunner;
import io.unibloc.sandbox.tool.ToolException;
import io.unibloc.sandbox.tool.ToolResult;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops what the page cache still holds of a device once a boot is prepared: tools that cannot read around the cache
 * ({@code e2image}, {@code qemu-io}'s copy-on-write reads, mtools) leave the device's blocks cached under the guest's
 * own loop device, one copy per guest, which the store's accounting does not see.
 *
 * <p>The device is flushed first ({@code fdatasync} on a read-only descriptor: no privilege needed): a persistent vfat
 * root's files are written by mtools through the page cache and are still dirty here, and
 * {@code POSIX_FADV_DONTNEED} only starts their writeback and leaves those pages cached. Then GNU dd's {@code
 * iflag=nocache count=0} calls {@code posix_fadvise(POSIX_FADV_DONTNEED)} on the whole device, which drops the clean
 * pages, now all of them. The 0 KiB left that docs/architecture.md reports was measured on ext roots
 * ({@code DevicePageCacheIT}), whose writes debugfs makes with direct I/O.
 */
public final class PageCacheDrop {

    private static final Logger LOG = LoggerFactory.getLogger(PageCacheDrop.class);

    private final ProcessRunner runner;

    public PageCacheDrop(ProcessRunner runner) {
        this.runner = runner;
    }

    /** Best effort: a cache that stays is a cost, not an error, so a failure is logged and the boot goes on. */
    public void drop(Path device) {
        try (FileChannel channel = FileChannel.open(device, StandardOpenOption.READ)) {
            channel.force(false);
        } catch (IOException e) {
            LOG.warn("cannot flush device={} before dropping its page cache: {}", device, e.getMessage());
        }
        try {
            ToolResult result = runner.run(List.of("dd", "if=" + device, "iflag=nocache", "count=0", "status=none"));
            if (!result.ok()) {
                LOG.warn("cannot drop the page cache of device={}: {}", device, result.describe());
            }
        } catch (ToolException e) {
            LOG.warn("cannot drop the page cache of device={}: {}", device, e.getMessage());
        }
    }
}
