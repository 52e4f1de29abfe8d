package io.unibloc.blockstore.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unibloc.testkit.pagecache.PageCacheFiles;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ResidentPages} against util-linux {@code fincore} on real files of the host disk, including a sparse file
 * larger than the scan window (so pages past the first window are found at their place), and {@link PageCacheScan}
 * counting two hard links of one file once.
 */
class ResidentPagesTest {
    private static final long MIB = 1L << 20;
    private static final long FAR = (2L << 30) + 12_288; // past the second 1 GiB window, not window-aligned

    @TempDir
    Path dir;

    private final ResidentPages pages = new ResidentPages();

    @Test
    void pagesReadFarIntoASparseFileAreFoundWhereFincoreFindsThem() throws Exception {
        Path file = dir.resolve("sparse.img");
        byte[] data = new byte[(int) (4 * MIB)];
        new Random(7).nextBytes(data);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(data), FAR);
            ch.truncate(3L << 30);
            ch.force(true);
        }
        PageCacheFiles.evict(file);
        assertThat(pages.of(file)).as("evicted").isLessThan(MIB);

        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.read(ByteBuffer.allocate((int) (2 * MIB)), FAR);
        }

        long resident = pages.of(file);
        assertThat(resident).isGreaterThanOrEqualTo(2 * MIB).isEqualTo(PageCacheFiles.fincore(file));
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long t = System.nanoTime();
            pages.of(file);
            best = Math.min(best, System.nanoTime() - t);
        }
        System.out.printf("mincore scan of a 3 GiB sparse file: best of 5 %.2f ms%n", best / 1e6);
    }

    @Test
    void twoLinksOfOneFileCountOnceAndAGoneFileCountsNothing() throws Exception {
        Path file = dir.resolve("chain.img");
        byte[] data = new byte[(int) (3 * MIB)];
        new Random(8).nextBytes(data);
        Files.write(file, data); // just written: resident
        Path link = Files.createLink(dir.resolve("link.img"), file);
        long one = pages.of(file);
        assertThat(one).isEqualTo(PageCacheFiles.fincore(file)).isGreaterThanOrEqualTo(3 * MIB);

        Map<String, Long> scanned = new PageCacheScan(pages)
                .scan(Map.of("chains", List.of(file, link, dir.resolve("deleted-meanwhile.img"))));

        assertThat(scanned).containsEntry("chains", one);
        assertThatThrownBy(() -> pages.of(dir.resolve("absent"))).isInstanceOf(NoSuchFileException.class);
        Path empty = Files.createFile(dir.resolve("empty"));
        assertThat(pages.of(empty)).isZero();
    }
}
