package io.unibloc.cli.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The network scenario's figures: per path requests/s, p50/p99 latency, errors, the handshake (path) and the rest
 * (guest user space), MB/s of the big transfer; then the ratios the targets are stated in. Also the chart.
 */
final class NetworkFigures {

    private NetworkFigures() {}

    static void report(Results res, List<NetworkBench.PathResult> paths, int blobMiB) {
        String blobScenario = String.format(Locale.ROOT, NetworkBench.SCENARIO_BLOB, blobMiB);
        for (NetworkBench.PathResult path : paths) {
            long[] total = path.small().stream()
                    .mapToLong(NetworkBench.Sample::totalNanos)
                    .toArray();
            long[] connect = path.small().stream()
                    .mapToLong(NetworkBench.Sample::connectNanos)
                    .toArray();
            long errors = path.small().stream().filter(sample -> !sample.ok()).count();
            double seconds = path.small().stream()
                            .mapToLong(NetworkBench.Sample::totalNanos)
                            .sum()
                    / 1e9;
            String v = path.variant();
            res.latency(NetworkBench.SCENARIO_SMALL, v + ": request", 0, total, "", "");
            res.figure(
                    NetworkBench.SCENARIO_SMALL,
                    v + ": p99 latency",
                    0,
                    total.length,
                    Results.pct(total, 99),
                    "ms",
                    "",
                    "");
            res.figure(
                    NetworkBench.SCENARIO_SMALL,
                    v + ": requests/s",
                    0,
                    total.length,
                    total.length / seconds,
                    "req/s",
                    "",
                    "");
            res.figure(
                    NetworkBench.SCENARIO_SMALL,
                    v + ": errors",
                    0,
                    total.length,
                    errors,
                    "",
                    v.equals(NetworkBench.CONTAINER) ? "" : "0 in 1000",
                    v.equals(NetworkBench.CONTAINER) ? "" : errors == 0 && total.length >= 1000 ? "yes" : "no");
            res.latency(NetworkBench.SCENARIO_SMALL, v + ": TCP handshake (path + kernel)", 0, connect, "", "");
            res.figure(
                    NetworkBench.SCENARIO_SMALL,
                    v + ": user-space processing (p50 total - p50 handshake)",
                    0,
                    total.length,
                    Results.pct(total, 50) - Results.pct(connect, 50),
                    "ms",
                    "",
                    "");
            long[] blob = path.blob().stream()
                    .mapToLong(NetworkBench.Sample::totalNanos)
                    .toArray();
            long blobErrors = path.blob().stream()
                    .filter(sample -> !sample.ok() || sample.bytes() < ((long) blobMiB << 20))
                    .count();
            res.latency(blobScenario, v + ": transfer", blobMiB, blob, "", "");
            res.figure(
                    blobScenario, v + ": throughput", blobMiB, blob.length, mbPerSecond(blobMiB, blob), "MB/s", "", "");
            res.figure(blobScenario, v + ": errors", blobMiB, blob.length, blobErrors, "", "", "");
        }
        NetworkBench.PathResult container = find(paths, NetworkBench.CONTAINER);
        NetworkBench.PathResult tap = find(paths, NetworkBench.TAP);
        NetworkBench.PathResult passt = find(paths, NetworkBench.PASST);
        double containerP50 = p50(container.small(), false);
        double tapHandshake = p50(tap.small(), true);
        double tapProcessing = p50(tap.small(), false) - tapHandshake;
        res.figure(
                NetworkBench.SCENARIO_SMALL,
                "tap p50 / (container p50 + guest user space)",
                0,
                tap.small().size(),
                p50(tap.small(), false) / (containerP50 + tapProcessing),
                "x",
                "<= 2x",
                p50(tap.small(), false) <= 2 * (containerP50 + tapProcessing) ? "yes" : "no");
        double tapMbs = mbPerSecond(blobMiB, nanos(tap.blob()));
        double passtMbs = mbPerSecond(blobMiB, nanos(passt.blob()));
        res.figure(
                blobScenario,
                "tap / passt throughput",
                blobMiB,
                tap.blob().size(),
                tapMbs / passtMbs,
                "x",
                ">= 2x",
                tapMbs >= 2 * passtMbs ? "yes" : "no");
        res.figure(
                blobScenario,
                "tap / container throughput",
                blobMiB,
                tap.blob().size(),
                tapMbs / mbPerSecond(blobMiB, nanos(container.blob())),
                "x",
                "",
                "");
    }

    static void chart(Path png, List<NetworkBench.PathResult> paths, int blobMiB) {
        List<String> variants =
                paths.stream().map(NetworkBench.PathResult::variant).toList();
        double[][] values = new double[variants.size()][2];
        for (int i = 0; i < paths.size(); i++) {
            values[i][0] = p50(paths.get(i).small(), false);
            values[i][1] = Results.pct(nanos(paths.get(i).blob()), 50);
        }
        BenchChart.write(
                png,
                "HTTP through each path, p50 ms (log scale)",
                List.of("small response", blobMiB + " MiB transfer"),
                variants,
                values,
                "busybox httpd; the guest is Linux under TCG, so its share is mostly emulation");
    }

    private static NetworkBench.PathResult find(List<NetworkBench.PathResult> paths, String variant) {
        return paths.stream()
                .filter(p -> p.variant().equals(variant))
                .findFirst()
                .orElseThrow();
    }

    private static double p50(List<NetworkBench.Sample> samples, boolean connect) {
        return Results.pct(
                samples.stream()
                        .mapToLong(s -> connect ? s.connectNanos() : s.totalNanos())
                        .toArray(),
                50);
    }

    private static long[] nanos(List<NetworkBench.Sample> samples) {
        return samples.stream().mapToLong(NetworkBench.Sample::totalNanos).toArray();
    }

    /** MB/s (10^6 bytes) of the median transfer. */
    private static double mbPerSecond(int blobMiB, long[] nanos) {
        double ms = Results.pct(nanos, 50);
        return ((double) blobMiB * (1 << 20) / 1e6) / (ms / 1000);
    }
}
