package io.unibloc.e2e.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The operator and csi-controller images start their JVM and application, and without a cluster (no service
 * account, no kubeconfig, no network) exit non-zero within a bounded time, saying so in a line that names the
 * missing cluster, instead of hanging in retries.
 */
@ExtendWith(ImageSmoke.class)
@Timeout(value = 45, unit = TimeUnit.MINUTES)
class ImagesWithoutClusterIT {

    @ParameterizedTest(name = "{0}")
    @CsvSource({"operator", "csi-controller"})
    void startsAndFailsClearlyWithoutACluster(String image, BuiltImages images) throws Exception {
        // As the chart runs them: read-only root, /tmp and the controller's socket directory on emptyDirs.
        Podman.Result run = images.podman()
                .runContainer(
                        List.of(
                                "--network",
                                "none",
                                "--read-only",
                                "--tmpfs",
                                "/tmp",
                                "--tmpfs",
                                "/csi",
                                images.reference(image)),
                        Duration.ofMinutes(3));

        System.out.printf(
                "IMAGES %s: %.1f MB, without a cluster: exit %d after %d ms: %s%n",
                image, images.sizes().get(image) / 1e6, run.code(), run.took().toMillis(), clearLine(run));
        assertThat(run.code()).as(run.describe()).isNotZero();
        assertThat(clearLine(run)).as(run.describe()).isNotEmpty();
    }

    /** The last line of the output, stack frames aside, that names the missing cluster. */
    private static String clearLine(Podman.Result run) {
        List<String> lines = (run.stdout() + "\n" + run.stderr())
                .lines()
                .filter(l -> !l.startsWith(" ") && !l.startsWith("\t"))
                .filter(l -> l.matches("(?i).*(kubernetes cluster|kubernetes\\.default\\.svc|kubeconfig).*"))
                .toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }
}
