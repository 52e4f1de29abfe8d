package io.unibloc.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.cli.Main;
import io.unibloc.testkit.guest.TestGuest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench --guests 1} end to end with one real guest (TCG here) and a small file: the guest prints the file's
 * MD5 back (a wrong or missing one fails the scenario, and the command with it), QEMU holds its root O_DIRECT, the
 * store cached at least the file, and no guest, volume or loop device is left afterwards. Figures are not asserted:
 * the booted N = 1, 8, 20 run is on demand (docs/benchmarks.md).
 */
class GuestBenchIT {
    private static final long DATA_MIB = 8;

    @TempDir
    Path tmp;

    private record Result(int exit, String out, String err) {}

    private Result unibloc(String... args) {
        List<String> all =
                new ArrayList<>(List.of("--store", tmp.resolve("store").toString()));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void oneBootedGuestReadsTheWholeFileAndLeavesNothingBehind() throws Exception {
        TestGuest guest = TestGuest.prepare();
        Path out = tmp.resolve("out");

        Result bench = unibloc(
                "bench",
                "--guests",
                "1",
                "--guest-modes",
                "ephemeral",
                "--guest-data",
                Long.toString(DATA_MIB),
                "--page-cache-repeats",
                "1",
                "--guest-kernel",
                guest.kernel().toString(),
                "--guest-initrd",
                guest.initramfs().toString(),
                "--out",
                out.toString());

        assertThat(bench.exit()).as(bench.out() + bench.err()).isZero();
        String csv = Files.readString(out.resolve("bench-pagecache.csv"));
        assertThat(csv)
                .doesNotContain("FAILED")
                .contains("\"page cache, N booted guests of one image\",\"ephemeral, 1 guest: QEMU opened the root"
                        + " O_DIRECT (cache=none)\",8,1,,,1.00,,all,yes");
        assertThat(value(csv, "\"ephemeral, 1 guest: store files resident (fincore)\""))
                .as("the store's cache holds at least the file the guest read")
                .isGreaterThanOrEqualTo(DATA_MIB);
        assertThat(value(csv, "\"ephemeral, 1 guest: guests' reads of their volume devices\""))
                .isGreaterThanOrEqualTo(DATA_MIB);
        assertThat(out.resolve("bench-pagecache-guests.png")).exists();

        Result volumes = unibloc("volume", "ls");
        assertThat(volumes.out()).as("no bench volume left").doesNotContain("gbench-");
        Process losetup = new ProcessBuilder("losetup", "-a").start();
        String loops = new String(losetup.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        losetup.waitFor();
        assertThat(loops)
                .as("no loop device of the store left")
                .doesNotContain(tmp.resolve("store").toString());
    }

    /** The value column of the CSV row whose variant is {@code variant} (quoted as in the file). */
    private static double value(String csv, String variant) {
        String line = csv.lines()
                .filter(l -> l.contains("," + variant + ","))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no row " + variant + " in\n" + csv));
        String[] cells =
                line.substring(line.indexOf(variant) + variant.length() + 1).split(",", -1);
        return Double.parseDouble(cells[4]); // image_mib, n, p50_ms, p90_ms, value
    }
}
