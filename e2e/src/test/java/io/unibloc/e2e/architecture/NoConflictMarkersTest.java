package io.unibloc.e2e.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.e2e.chart.RepositoryLayout;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No source, chart or document carries the markers of an unresolved merge: several engineers merge into main in
 * parallel, and a conflict committed by mistake compiles fine in Markdown, YAML and comments (one reached
 * docs/architecture.md this way).
 */
class NoConflictMarkersTest {

    private static final Set<String> SKIPPED_DIRS = Set.of(".git", "target", "node_modules", ".mvn", "demo-out");

    @Test
    void noTrackedTextFileHoldsConflictMarkers() throws IOException {
        Path root = RepositoryLayout.locate().root();
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(Files::isRegularFile)
                    .filter(path -> !skipped(root.relativize(path)))
                    .filter(NoConflictMarkersTest::small)
                    .forEach(path -> markers(root, path, found));
        }
        assertThat(found).as("files with merge-conflict markers").isEmpty();
    }

    private static boolean skipped(Path relative) {
        for (Path part : relative) {
            if (SKIPPED_DIRS.contains(part.toString())) {
                return true;
            }
        }
        return false;
    }

    /** Disk images and other large artefacts are not text anyone merges. */
    private static boolean small(Path file) {
        try {
            return Files.size(file) <= 4L << 20;
        } catch (IOException e) {
            throw new IllegalStateException("cannot stat " + file, e);
        }
    }

    /** A file counts when it has both an opening and a closing marker line, so a Markdown rule of '=' does not. */
    private static void markers(Path root, Path file, List<String> found) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (MalformedInputException binary) {
            return;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
        int open = -1;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("<<<<<<< ")) {
                open = i + 1;
            } else if (open > 0 && line.startsWith(">>>>>>> ")) {
                found.add(root.relativize(file) + ":" + open);
                return;
            }
        }
    }
}
