package io.unibloc.cli.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.blockstore.BlockStore.PageCacheUsage;
import org.junit.jupiter.api.Test;

/** The df page cache line: figures when counted, "unknown" and the cause otherwise — never a false 0 B. */
class PageCacheLineTest {
    private static final long MIB = 1L << 20;

    @Test
    void aCountedCacheShowsItsTotalAndEveryKind() {
        assertThat(PageCacheLine.of(PageCacheUsage.counted(3 * MIB, 2 * MIB, 0, MIB)))
                .isEqualTo("page cache 6.0 MiB (chains 3.0 MiB, persistent volumes 2.0 MiB, backend file 0 B, blobs"
                        + " 1.0 MiB)");
    }

    @Test
    void anUnknownCacheSaysSoAndWhyWithoutAnyFigure() {
        String line = PageCacheLine.of(PageCacheUsage.unknown(
                "needs write access to the store files: /s/a.img is" + " owned by uid 0 and not writable by uid 1000"));

        assertThat(line)
                .isEqualTo("page cache unknown (needs write access to the store files: /s/a.img is owned by uid 0 and"
                        + " not writable by uid 1000)")
                .doesNotContain(" B");
    }
}
