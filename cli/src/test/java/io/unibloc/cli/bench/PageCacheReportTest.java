package io.unibloc.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The page-cache scenario's rows: ratios to one reader, and targets only for ephemeral modes at the most readers. */
class PageCacheReportTest {

    private static Results.Row row(Results res, String variant) {
        return res.rows().stream()
                .filter(r -> r.variant().equals(variant))
                .findFirst()
                .orElseThrow(() -> new AssertionError(variant));
    }

    @Test
    void ratiosAreToOneReaderOfTheSameModeAndTargetsApplyToEphemeralAtTheMostReaders() {
        Results res = new Results();
        PageCacheBench.report(
                res,
                List.of(
                        new PageCacheBench.Sample(PageCacheBench.PERSISTENT, 1, 300, 128, 130, 288, 10, 144),
                        new PageCacheBench.Sample(PageCacheBench.PERSISTENT, 20, 3000, 2560, 140, 2880, 10, 144),
                        new PageCacheBench.Sample(PageCacheBench.EPHEMERAL, 1, 290, 128, 130, 288, 10, 144),
                        new PageCacheBench.Sample(PageCacheBench.EPHEMERAL, 10, 300, 128, 130, 288, 10, 144),
                        new PageCacheBench.Sample(PageCacheBench.EPHEMERAL, 20, 377, 130, 130, 288, 10, 144)),
                128);

        Results.Row persistent = row(res, PageCacheBench.PERSISTENT + ", 20 readers: page cache / 1 reader's");
        assertThat(persistent.value()).isEqualTo(10.0);
        assertThat(persistent.target())
                .as("persistent volumes are the baseline, not held to the target")
                .isEmpty();

        assertThat(row(res, PageCacheBench.PERSISTENT + ", 1 reader: of which xfs.img resident (the store's loop file)")
                        .value())
                .isEqualTo(144.0);

        Results.Row cache = row(res, PageCacheBench.EPHEMERAL + ", 20 readers: page cache / 1 reader's");
        assertThat(cache.value()).isEqualTo(1.3);
        assertThat(cache.target()).isEqualTo("<= 1.2x");
        assertThat(cache.verdict()).isEqualTo("no");
        Results.Row reads = row(res, PageCacheBench.EPHEMERAL + ", 20 readers: store disk reads / 1 reader's");
        assertThat(reads.value()).isEqualTo(130 / 128.0);
        assertThat(reads.verdict()).isEqualTo("yes");
        assertThat(row(res, PageCacheBench.EPHEMERAL + ", 10 readers: page cache / 1 reader's")
                        .target())
                .as("only the most readers carry the target")
                .isEmpty();
        assertThat(res.rows())
                .noneMatch(r -> r.variant().startsWith(PageCacheBench.EPHEMERAL + ", 1 reader:")
                        && r.variant().contains("/ 1 reader's"));
    }
}
