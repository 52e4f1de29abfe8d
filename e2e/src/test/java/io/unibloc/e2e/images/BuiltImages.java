package io.unibloc.e2e.images;

import io.unibloc.e2e.chart.RepositoryLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The four images as {@code scripts/build-images.sh} builds them with podman from this build's output, tagged with
 * the chart's appVersion under the name the chart's default repositories resolve to ({@code docker.io/unibloc/...}).
 * The bases come from Debian packages ({@code --base-from-debian}): registry base images are not reachable from
 * tests, and the script caches those bases, so only a cold machine pays for them.
 *
 * @param podman the engine the images are in
 * @param tag    their tag
 * @param sizes  bytes of each image, by name
 * @param took   how long the script ran
 */
record BuiltImages(Podman podman, String tag, Map<String, Long> sizes, Duration took) {
    static final List<String> NAMES = List.of("operator", "csi-controller", "csi-node", "sandbox");
    private static final Pattern APP_VERSION = Pattern.compile("(?m)^appVersion:\\s*\"?([^\"\\s]+)\"?\\s*$");

    String reference(String name) {
        return "docker.io/unibloc/" + name + ":" + tag;
    }

    /** Runs the build script and reads the sizes back; fails with the script's output when it fails. */
    static BuiltImages build(Podman podman) throws IOException {
        Path root = RepositoryLayout.locate().root();
        Matcher version = APP_VERSION.matcher(Files.readString(root.resolve("helm/unibloc/Chart.yaml")));
        if (!version.find()) {
            throw new IllegalStateException("no appVersion in helm/unibloc/Chart.yaml");
        }
        // -Dunibloc.images.tag keeps one engineer's images apart from another's in a shared podman store.
        String tag = System.getProperty("unibloc.images.tag", version.group(1));
        List<String> command = new ArrayList<>(List.of(
                "bash",
                root.resolve("scripts/build-images.sh").toString(),
                "--engine",
                "podman",
                "--skip-maven",
                "--base-from-debian",
                "--target",
                System.getProperty("unibloc.target", "target"),
                "--tag",
                tag));
        if (!podman.runtime().isBlank()) {
            command.add("--engine-flag=--runtime=" + podman.runtime()); // the RUN steps, like every podman call
        }
        command.addAll(NAMES);
        System.out.println("IMAGES building " + NAMES + " with scripts/build-images.sh (podman, Debian bases)");
        Podman.Result result = Podman.run(command, Duration.ofMinutes(40));
        if (result.code() != 0) {
            throw new IllegalStateException("scripts/build-images.sh failed: " + result.describe());
        }
        result.stderr()
                .lines()
                .filter(l -> l.contains(" in ") || l.contains("base "))
                .forEach(l -> System.out.println("IMAGES " + l));
        BuiltImages images = new BuiltImages(podman, tag, Map.of(), result.took());
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (String name : NAMES) {
            Podman.Result size = podman.exec(
                    List.of("image", "inspect", "--format", "{{.Size}}", images.reference(name)),
                    Duration.ofSeconds(60));
            if (size.code() != 0) {
                throw new IllegalStateException(
                        "built image " + images.reference(name) + " is missing: " + size.describe());
            }
            sizes.put(name, Long.parseLong(size.stdout().trim()));
        }
        images = new BuiltImages(podman, tag, Map.copyOf(sizes), result.took());
        System.out.printf("IMAGES built in %d s%n", result.took().toSeconds());
        sizes.forEach((name, bytes) -> System.out.printf("IMAGES size %-15s %6.1f MB%n", name, bytes / 1e6));
        return images;
    }
}
