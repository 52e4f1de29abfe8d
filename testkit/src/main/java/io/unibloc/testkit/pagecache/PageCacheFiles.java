package io.unibloc.testkit.pagecache;

import io.unibloc.testkit.guest.HostTool;
import java.io.IOException;
import java.nio.file.Path;

/** Empties and counts one file's page cache with host tools, independently of the code under test. */
public final class PageCacheFiles {
    private PageCacheFiles() {}

    /**
     * Writes the file's dirty pages back, then has the kernel drop its clean ones ({@code posix_fadvise DONTNEED}
     * through {@code dd iflag=nocache}). Errors: IOException naming the tool and its output.
     */
    public static void evict(Path file) throws IOException {
        HostTool.run("sync", file.toString());
        HostTool.run("dd", "if=" + file, "iflag=nocache", "count=0", "status=none");
    }

    /** Resident bytes of the file by util-linux {@code fincore}. Errors: IOException naming the tool and its output. */
    public static long fincore(Path file) throws IOException {
        return Long.parseLong(
                HostTool.run("fincore", "--bytes", "--noheadings", "--raw", "--output", "RES", file.toString())
                        .strip());
    }
}
