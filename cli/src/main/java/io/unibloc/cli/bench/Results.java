package io.unibloc.cli.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Benchmark rows, printed as a markdown table and written as CSV. */
final class Results {
    /** One figure. Latency rows carry p50/p90 in ms; other rows a value and unit. Target and verdict may be empty. */
    record Row(
            String scenario,
            String variant,
            long imageMiB,
            int n,
            double p50ms,
            double p90ms,
            double value,
            String unit,
            String target,
            String verdict) {}

    private final List<Row> rows = new ArrayList<>();

    void latency(String scenario, String variant, long imageMiB, long[] nanos, String target, String verdict) {
        rows.add(new Row(
                scenario,
                variant,
                imageMiB,
                nanos.length,
                pct(nanos, 50),
                pct(nanos, 90),
                Double.NaN,
                "",
                target,
                verdict));
    }

    void figure(
            String scenario,
            String variant,
            long imageMiB,
            int n,
            double value,
            String unit,
            String target,
            String verdict) {
        rows.add(new Row(scenario, variant, imageMiB, n, Double.NaN, Double.NaN, value, unit, target, verdict));
    }

    List<Row> rows() {
        return rows;
    }

    /** Percentile of nanosecond samples, in milliseconds (nearest rank). */
    static double pct(long[] nanos, int p) {
        if (nanos.length == 0) {
            return Double.NaN;
        }
        long[] s = nanos.clone();
        Arrays.sort(s);
        int idx = (int) Math.ceil(p / 100.0 * s.length) - 1;
        return s[Math.max(0, Math.min(s.length - 1, idx))] / 1e6;
    }

    Row find(String scenario, String variant, long mib) {
        return rows.stream()
                .filter(r -> r.scenario().equals(scenario) && r.variant().equals(variant) && r.imageMiB() == mib)
                .findFirst()
                .orElse(null);
    }

    void printMarkdown(PrintWriter out) {
        out.println("| scenario | variant | image MiB | n | p50 ms | p90 ms | value | target | met |");
        out.println("|---|---|---:|---:|---:|---:|---:|---|---|");
        for (Row r : rows) {
            out.printf(
                    Locale.ROOT,
                    "| %s | %s | %s | %d | %s | %s | %s | %s | %s |%n",
                    r.scenario(),
                    r.variant(),
                    r.imageMiB() > 0 ? String.valueOf(r.imageMiB()) : "",
                    r.n(),
                    num(r.p50ms()),
                    num(r.p90ms()),
                    Double.isNaN(r.value()) ? "" : num(r.value()) + " " + r.unit(),
                    r.target(),
                    r.verdict());
        }
        out.flush();
    }

    void writeCsv(Path file) {
        StringBuilder sb = new StringBuilder("scenario,variant,image_mib,n,p50_ms,p90_ms,value,unit,target,met\n");
        for (Row r : rows) {
            sb.append(String.join(
                            ",",
                            csv(r.scenario()),
                            csv(r.variant()),
                            String.valueOf(r.imageMiB()),
                            String.valueOf(r.n()),
                            num(r.p50ms()),
                            num(r.p90ms()),
                            num(r.value()),
                            csv(r.unit()),
                            csv(r.target()),
                            csv(r.verdict())))
                    .append('\n');
        }
        try {
            Files.writeString(file, sb);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static String num(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
