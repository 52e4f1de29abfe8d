package io.unibloc.e2e.chart;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the chart, the generated CRDs and the other deploy files are, found from the test's working directory. */
public record RepositoryLayout(Path root) {

    /**
     * Walks up from the working directory (Maven runs tests in the module directory) to the first directory that
     * holds {@code helm/unibloc/Chart.yaml}.
     *
     * @throws IllegalStateException when no such directory exists above the working directory
     */
    public static RepositoryLayout locate() {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("helm/unibloc/Chart.yaml"))) {
                return new RepositoryLayout(dir);
            }
        }
        throw new IllegalStateException(
                "no helm/unibloc/Chart.yaml above " + start + ": run the tests inside the repository");
    }

    public Path chart() {
        return root.resolve("helm/unibloc");
    }

    /** The CRDs generated from the API types (the one source the chart links to). */
    public Path crds() {
        return root.resolve("crds");
    }

    /** RuntimeClass manifests kept next to the sandbox for clusters installed without Helm. */
    public Path runtimeClasses() {
        return root.resolve("deploy/runtimeclass");
    }

    public Path dockerDir() {
        return root.resolve("src/main/docker");
    }
}
