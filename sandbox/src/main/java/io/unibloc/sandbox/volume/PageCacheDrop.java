package io.unibloc.sandbox.volume;

import io.unibloc.sandbox.tool.ProcessRunner;
import io.unibloc.sandbox.tool.ToolException;
import io.unibloc.sandbox.tool.ToolResult;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops what the page cache still holds of a device once a boot is prepared: tools that cannot read around the cache
 * ({@code e2image}, {@code qemu-io}'s copy-on-write reads, mtools) leave the device's blocks cached under the guest's
 * own loop device, one copy per guest, which the store's accounting does not see. GNU dd's {@code iflag=nocache
 * count=0} calls {@code posix_fadvise(POSIX_FADV_DONTNEED)} on the whole device: no privilege needed, and only clean
 * pages go (nothing of the device is dirty after preparation: every write went to the overlay or was written
 * through).
 */
public final class PageCacheDrop {

    private static final Logger LOG = LoggerFactory.getLogger(PageCacheDrop.class);

    private final ProcessRunner runner;

    public PageCacheDrop(ProcessRunner runner) {
        this.runner = runner;
    }

    /** Best effort: a cache that stays is a cost, not an error, so a failure is logged and the boot goes on. */
    public void drop(Path device) {
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
