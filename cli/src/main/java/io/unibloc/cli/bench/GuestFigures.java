package io.unibloc.cli.bench;

import io.unibloc.types.WriteMode;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The booted-guest scenario's rows: per sample the store's page cache and reads, then per N &gt; 1 what each extra
 * guest costs against one guest, with issue 19's targets, and the same figures of host readers (the page-cache
 * scenario's {@code dd} readers, run on the same image in the same process) as the baseline.
 */
final class GuestFigures {
    private static final double MIB = 1 << 20;
    /** Issue 19: with default (ephemeral) roots an extra guest may add at most a tenth of the data it reads. */
    static final double EPHEMERAL_PER_EXTRA = 0.1;
    /** Issue 19: a persistent guest caches its own clone, but nothing twice. */
    static final double PERSISTENT_PER_EXTRA = 1.0;
    /** Issue 19: N guests of one image read the store about once. */
    static final double READS_RATIO = 1.05;

    private GuestFigures() {}

    /** Store page cache each guest beyond the first adds, in units of the data it reads: (many - one) / (n - 1) / data. */
    static double perExtra(double one, double many, int n, double data) {
        if (n < 2) {
            throw new IllegalArgumentException("per extra guest needs at least 2 guests, got " + n);
        }
        return (many - one) / (n - 1) / data;
    }

    static void report(
            Results res, List<GuestPageCacheBench.Sample> guests, List<PageCacheBench.Sample> readers, long dataBytes) {
        long mib = dataBytes >> 20;
        String scenario = GuestPageCacheBench.SCENARIO;
        for (GuestPageCacheBench.Sample s : guests) {
            String v = s.mode().id() + ", " + s.guests() + (s.guests() == 1 ? " guest" : " guests");
            int n = s.guests();
            res.figure(
                    scenario, v + ": store files resident (fincore)", mib, n, s.residentBytes() / MIB, "MiB", "", "");
            res.figure(
                    scenario,
                    v + ": of which xfs.img (the store's loop file)",
                    mib,
                    n,
                    s.xfsImgBytes() / MIB,
                    "MiB",
                    "",
                    "");
            res.figure(
                    scenario,
                    v + ": store reads (device under the store)",
                    mib,
                    n,
                    s.storeReadBytes() / MIB,
                    "MiB",
                    "",
                    "");
            res.figure(
                    scenario,
                    v + ": guests' reads of their volume devices",
                    mib,
                    n,
                    s.guestReadBytes() / MIB,
                    "MiB",
                    "",
                    "");
            res.figure(
                    scenario, v + ": host disk reads (whole host)", mib, n, s.hostDiskReadBytes() / MIB, "MiB", "", "");
            res.figure(
                    scenario,
                    v + ": host page cache growth (meminfo)",
                    mib,
                    n,
                    s.cacheGrowthBytes() / MIB,
                    "MiB",
                    "",
                    "");
            res.figure(
                    scenario, v + ": start to the last guest's read", mib, n, s.slowestMillis() / 1000.0, "s", "", "");
            res.figure(
                    scenario,
                    v + ": QEMU opened the root O_DIRECT (cache=none)",
                    mib,
                    n,
                    s.rootDirect() ? 1 : 0,
                    "",
                    "all",
                    s.rootDirect() ? "yes" : "no");
            Optional<GuestPageCacheBench.Sample> one = guests.stream()
                    .filter(o -> o.mode() == s.mode() && o.guests() == 1)
                    .findFirst();
            if (one.isPresent() && n > 1) {
                boolean ephemeral = s.mode() == WriteMode.EPHEMERAL;
                double limit = ephemeral ? EPHEMERAL_PER_EXTRA : PERSISTENT_PER_EXTRA;
                double extra = perExtra(one.get().residentBytes(), s.residentBytes(), n, dataBytes);
                res.figure(
                        scenario,
                        v + ": store page cache per extra guest / data read",
                        mib,
                        n,
                        extra,
                        "x",
                        "<= " + fmt(limit) + "x",
                        extra <= limit ? "yes" : "no");
                res.figure(
                        scenario,
                        v + ": store page cache per extra guest / 1 guest's",
                        mib,
                        n,
                        perExtra(
                                one.get().residentBytes(),
                                s.residentBytes(),
                                n,
                                one.get().residentBytes()),
                        "x",
                        "",
                        "");
                double reads = (double) s.storeReadBytes() / one.get().storeReadBytes();
                res.figure(
                        scenario,
                        v + ": store reads / 1 guest's",
                        mib,
                        n,
                        reads,
                        "x",
                        ephemeral ? "<= " + fmt(READS_RATIO) + "x" : "",
                        ephemeral ? (reads <= READS_RATIO ? "yes" : "no") : "");
                res.figure(scenario, v + ": store reads per guest / 1 guest's", mib, n, reads / n, "x", "", "");
            }
            hostReaders(readers, s.mode(), n).ifPresent(h -> {
                res.figure(
                        scenario,
                        v + ": store files resident / host readers'",
                        mib,
                        n,
                        s.residentBytes() / MIB / h.residentMiB(),
                        "x",
                        "",
                        "");
                res.figure(
                        scenario,
                        v + ": store reads / host readers'",
                        mib,
                        n,
                        s.storeReadBytes() / MIB / h.storeReadMiB(),
                        "x",
                        "",
                        "");
                Optional<PageCacheBench.Sample> hostOne = hostReaders(readers, s.mode(), 1);
                if (hostOne.isPresent() && n > 1) {
                    res.figure(
                            scenario,
                            v + ": host readers' store page cache per extra reader / data read",
                            mib,
                            n,
                            perExtra(hostOne.get().residentMiB(), h.residentMiB(), n, mib),
                            "x",
                            "",
                            "");
                }
            });
        }
    }

    /** The host-reader sample of {@code mode} at {@code n} readers (the page-cache scenario's own modes). */
    static Optional<PageCacheBench.Sample> hostReaders(List<PageCacheBench.Sample> readers, WriteMode mode, int n) {
        String name = mode == WriteMode.EPHEMERAL ? PageCacheBench.EPHEMERAL : PageCacheBench.PERSISTENT;
        return readers.stream()
                .filter(r -> r.mode().equals(name) && r.readers() == n)
                .findFirst();
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v).replaceAll("0$", "");
    }
}
