package io.unibloc.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.unibloc.types.WriteMode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The booted-guest scenario's arithmetic and rows, against figures worked out by hand. */
class GuestFiguresTest {
    private static final long MIB = 1 << 20;

    private static GuestPageCacheBench.Sample guests(WriteMode mode, int n, long residentMiB, long storeReadMiB) {
        return new GuestPageCacheBench.Sample(
                mode, n, residentMiB * MIB, 0, storeReadMiB * MIB, n * 66 * MIB, 0, 0, 1000, true);
    }

    private static Results.Row row(Results res, String variant) {
        return res.rows().stream()
                .filter(r -> r.variant().equals(variant))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no row " + variant + " in " + res.rows()));
    }

    @Test
    void perExtraGuestIsTheGrowthBeyondOneGuestSharedOverTheExtraGuestsInUnitsOfTheData() {
        // 8 guests: 70 MiB -> 114.8 MiB, i.e. 44.8 MiB over 7 extra guests = 6.4 MiB each = 0.1 of 64 MiB
        assertThat(GuestFigures.perExtra(70, 114.8, 8, 64)).isCloseTo(0.1, within(1e-9));
        // 20 guests of clones: 69 -> 69 + 19 * 64 = 1285 MiB: one 64 MiB file's worth per extra guest
        assertThat(GuestFigures.perExtra(69, 1285, 20, 64)).isCloseTo(1.0, within(1e-9));
        assertThat(GuestFigures.perExtra(69, 69, 20, 64)).isZero();
        assertThatThrownBy(() -> GuestFigures.perExtra(69, 69, 1, 64))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 2 guests");
    }

    @Test
    void targetsAreIssue19sAndHostReadersOfTheSameModeAndCountAreTheBaseline() {
        Results res = new Results();
        GuestFigures.report(
                res,
                List.of(
                        guests(WriteMode.EPHEMERAL, 1, 70, 66),
                        guests(WriteMode.EPHEMERAL, 8, 84, 66),
                        guests(WriteMode.EPHEMERAL, 20, 165, 70),
                        guests(WriteMode.PERSISTENT, 1, 69, 66),
                        guests(WriteMode.PERSISTENT, 8, 517, 528)),
                List.of( // mode, readers, meminfo growth, store reads, host disk reads, resident, ms, xfs.img
                        new PageCacheBench.Sample(PageCacheBench.EPHEMERAL, 8, 310, 80, 90, 300, 10, 0),
                        new PageCacheBench.Sample(PageCacheBench.PERSISTENT, 1, 110, 80, 90, 100, 10, 0),
                        new PageCacheBench.Sample(PageCacheBench.PERSISTENT, 8, 720, 640, 700, 700, 10, 0)),
                64 * MIB);

        // (84 - 70) / 7 / 64 = 0.03125
        Results.Row eph8 = row(res, "ephemeral, 8 guests: store page cache per extra guest / data read");
        assertThat(eph8.value()).isCloseTo(0.03125, within(1e-9));
        assertThat(eph8.target()).isEqualTo("<= 0.1x");
        assertThat(eph8.verdict()).isEqualTo("yes");
        // (165 - 70) / 19 / 64 = 0.078125; reads 70 / 66 = 1.0606 > 1.05
        assertThat(row(res, "ephemeral, 20 guests: store page cache per extra guest / data read")
                        .value())
                .isCloseTo(0.078125, within(1e-9));
        Results.Row reads20 = row(res, "ephemeral, 20 guests: store reads / 1 guest's");
        assertThat(reads20.value()).isCloseTo(1.0606, within(1e-4));
        assertThat(reads20.target()).isEqualTo("<= 1.05x");
        assertThat(reads20.verdict()).isEqualTo("no");
        // 70 / 66 / 20 = 0.0530
        assertThat(row(res, "ephemeral, 20 guests: store reads per guest / 1 guest's")
                        .value())
                .isCloseTo(0.0530, within(1e-4));

        // (517 - 69) / 7 / 64 = 1.0: a clone each, nothing cached twice
        Results.Row per8 = row(res, "persistent, 8 guests: store page cache per extra guest / data read");
        assertThat(per8.value()).isCloseTo(1.0, within(1e-9));
        assertThat(per8.target()).isEqualTo("<= 1.0x");
        assertThat(per8.verdict()).isEqualTo("yes");
        // a clone caches what its guest read, the first guest's 69 MiB: (517 - 69) / 7 / 69 = 0.9275
        assertThat(row(res, "persistent, 8 guests: store page cache per extra guest / 1 guest's")
                        .value())
                .isCloseTo(0.9275, within(1e-4));
        assertThat(row(res, "persistent, 8 guests: store reads / 1 guest's").target())
                .as("persistent reads grow with N by design; no target")
                .isEmpty();

        // against host readers: 84 / 300 = 0.28, 66 / 80 = 0.825; persistent readers (700 - 100) / 7 / 64 = 1.3393
        assertThat(row(res, "ephemeral, 8 guests: store files resident / host readers'")
                        .value())
                .isCloseTo(0.28, within(1e-9));
        assertThat(row(res, "ephemeral, 8 guests: store reads / host readers'").value())
                .isCloseTo(0.825, within(1e-9));
        assertThat(row(res, "persistent, 8 guests: host readers' store page cache per extra reader / data read")
                        .value())
                .isCloseTo(1.3393, within(1e-4));
        assertThat(res.rows())
                .as("no host readers of ephemeral volumes at 1 reader: no per-extra baseline for them")
                .noneMatch(
                        r -> r.variant().startsWith("ephemeral") && r.variant().contains("per extra reader"));
        assertThat(row(res, "ephemeral, 1 guest: QEMU opened the root O_DIRECT (cache=none)")
                        .verdict())
                .isEqualTo("yes");
    }

    @Test
    void oDirectIsReadFromTheOctalFlagsOfFdinfo() {
        // QEMU's cache=none root: O_RDWR | O_LARGEFILE | O_DIRECT | O_CLOEXEC = 02 | 0100000 | 040000 | 02000000
        assertThat(VmmProcFiles.direct("pos:\t0\nflags:\t02140002\nmnt_id:\t25\nino:\t1234\n"))
                .isTrue();
        // the same without O_DIRECT: 02 | 0100000 | 02000000
        assertThat(VmmProcFiles.direct("pos:\t0\nflags:\t02100002\nmnt_id:\t25\n"))
                .isFalse();
        assertThatThrownBy(() -> VmmProcFiles.direct("pos:\t0\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no flags line");
    }
}
