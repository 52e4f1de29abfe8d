package io.unibloc.e2e.images;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.e2e.chart.RepositoryLayout;
import io.unibloc.testkit.guest.GuestDisks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox launcher's start-up in its image: from the container's first command to the exec of the VMM, and the
 * launcher JVM's CPU time until then, over N starts (default 10) of each variant, interleaved so that a busy machine
 * weighs on all of them alike. The image runs as in a Pod (entrypoint, privilege drop, kernel read out of an ext4 root
 * with debugfs); a stand-in takes QEMU's place and stamps the moment it is exec'd (see {@link LauncherStart}).
 * Variants, one image: its own settings (AppCDS archive + jvm.options), the same flags without the AppCDS archive
 * (the JDK's default CDS only), and the JDK's defaults; plus, when given, a baseline image with its own settings.
 * A benchmark: prints medians, p90 and ratios; asserts only that every start reached the VMM.
 *
 * <p>Run: {@code ./mvnw -pl e2e -am verify -Dunibloc.bench=true -Dit.test=LauncherStartBenchIT
 * -Dfailsafe.failIfNoSpecifiedTests=false -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false}, after building the
 * image ({@code scripts/build-images.sh sandbox}). Properties: {@code unibloc.bench.starts} (10), {@code
 * unibloc.bench.image} (docker.io/unibloc/sandbox:APPVERSION), {@code unibloc.bench.baselineImage} (none),
 * {@code unibloc.podman.runtime} (otherwise chosen by evidence, see {@code Podman}).
 */
@EnabledIfSystemProperty(
        named = "unibloc.bench",
        matches = "true",
        disabledReason = "a benchmark; -Dunibloc.bench=true")
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class LauncherStartBenchIT {
    private static final Pattern APP_VERSION = Pattern.compile("(?m)^appVersion:\\s*\"?([^\"\\s]+)\"?\\s*$");
    private static final String HOME = "/opt/unibloc/sandbox";

    @TempDir
    Path dir;

    /** A way to start the launcher: an image, and JVM options replacing its own ({@code null}: the image's). */
    record Variant(String name, String image, String javaOpts) {}

    @Test
    void jvmStartToVmmExecAndCpuPerStart() throws Exception {
        Optional<Podman> found = Podman.find();
        Assumptions.assumeTrue(found.isPresent(), () -> skip("no podman answering 'podman info' on PATH"));
        Podman podman = found.get();
        String image = System.getProperty("unibloc.bench.image", "docker.io/unibloc/sandbox:" + appVersion());
        Assumptions.assumeTrue(
                exists(podman, image),
                () -> skip(
                        "image " + image + " is not in podman's store; build it"
                                + " with scripts/build-images.sh --engine podman sandbox, or name one with -Dunibloc.bench.image"));
        List<Variant> variants = new ArrayList<>();
        variants.add(new Variant("image settings (AppCDS + jvm.options)", image, null));
        variants.add(new Variant("same flags, no AppCDS archive", image, "@" + HOME + "/jvm.options"));
        variants.add(new Variant("JDK defaults", image, "-Xshare:auto"));
        String baseline = System.getProperty("unibloc.bench.baselineImage", "");
        if (!baseline.isBlank()) {
            Assumptions.assumeTrue(exists(podman, baseline), () -> skip("baseline image " + baseline + " is missing"));
            variants.add(new Variant("baseline image " + baseline, baseline, null));
        }
        int starts = Integer.getInteger("unibloc.bench.starts", 10);

        Path tree = Files.createDirectories(dir.resolve("tree/boot"));
        Files.write(tree.resolve("kernel"), new byte[2 << 20]); // a 2 MiB "kernel", read out with debugfs
        Path disk = GuestDisks.ext4(dir.resolve("tree"), dir.resolve("root.ext4"), 16);
        LauncherStart start = LauncherStart.prepare(Files.createDirectories(dir.resolve("bench")), disk);

        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        Map<Variant, List<LauncherStart.Sample>> samples = new LinkedHashMap<>();
        variants.forEach(v -> samples.put(v, new ArrayList<>()));
        for (Variant v : variants) {
            start.run(podman, v.image(), v.javaOpts()); // warm: page cache, podman's own caches
        }
        for (int round = 0; round < starts; round++) {
            for (Variant v : variants) {
                samples.get(v).add(start.run(podman, v.image(), v.javaOpts()));
            }
        }
        String loadAfter = Files.readString(Path.of("/proc/loadavg")).trim();

        System.out.printf(
                "BENCH launcher start-up, %d starts per variant (load average before: %s, after: %s)%n",
                starts, loadBefore, loadAfter);
        System.out.println("BENCH | variant | entry -> VMM exec p50 / p90 ms | launcher CPU to exec p50 / p90 ms"
                + " | podman run -> exec p50 ms | launcher's own log: exec p50 ms, CPU p50 ms |");
        System.out.println("BENCH |---|---:|---:|---:|---:|");
        for (Variant v : variants) {
            List<LauncherStart.Sample> s = samples.get(v);
            System.out.printf(
                    "BENCH | %s | %s / %s | %s / %s | %s | %s, %s |%n",
                    v.name(),
                    p(s, LauncherStart.Sample::entryToExecMs, 0.5),
                    p(s, LauncherStart.Sample::entryToExecMs, 0.9),
                    p(s, LauncherStart.Sample::cpuMs, 0.5),
                    p(s, LauncherStart.Sample::cpuMs, 0.9),
                    p(s, LauncherStart.Sample::podmanToExecMs, 0.5),
                    p(s, LauncherStart.Sample::loggedExecMs, 0.5),
                    p(s, LauncherStart.Sample::loggedCpuMs, 0.5));
        }
        Variant ours = variants.get(0);
        for (Variant other : variants.subList(1, variants.size())) {
            System.out.printf(
                    Locale.ROOT,
                    "BENCH %s vs %s: entry -> exec %.2fx faster, CPU %.2fx less%n",
                    ours.name(),
                    other.name(),
                    ratio(samples.get(other), samples.get(ours), LauncherStart.Sample::entryToExecMs),
                    ratio(samples.get(other), samples.get(ours), LauncherStart.Sample::cpuMs));
        }
        assertThat(samples.values()).allSatisfy(s -> assertThat(s).hasSize(starts));
    }

    private static String p(List<LauncherStart.Sample> samples, ToLongFunction<LauncherStart.Sample> f, double q) {
        var value =
                LauncherStart.percentile(samples.stream().map(f::applyAsLong).toList(), q);
        return value.isPresent() ? Long.toString(value.getAsLong()) : "-";
    }

    private static double ratio(
            List<LauncherStart.Sample> slow, List<LauncherStart.Sample> fast, ToLongFunction<LauncherStart.Sample> f) {
        long a = LauncherStart.percentile(slow.stream().map(f::applyAsLong).toList(), 0.5)
                .orElse(0);
        long b = LauncherStart.percentile(fast.stream().map(f::applyAsLong).toList(), 0.5)
                .orElse(0);
        return b == 0 ? Double.NaN : (double) a / b;
    }

    private static boolean exists(Podman podman, String image) throws Exception {
        return podman.exec(List.of("image", "exists", image), Duration.ofSeconds(60))
                        .code()
                == 0;
    }

    private static String appVersion() throws Exception {
        Path chart = RepositoryLayout.locate().root().resolve("helm/unibloc/Chart.yaml");
        Matcher version = APP_VERSION.matcher(Files.readString(chart));
        if (!version.find()) {
            throw new IllegalStateException("no appVersion in " + chart);
        }
        return version.group(1);
    }

    private static String skip(String why) {
        String line = "launcher start-up benchmark skipped: " + why;
        System.out.println(line);
        return line;
    }
}
