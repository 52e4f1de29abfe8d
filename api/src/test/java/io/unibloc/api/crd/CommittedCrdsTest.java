package io.unibloc.api.crd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CRD YAML committed under {@code crds/} must be exactly what the build generates from the Java
 * types, for every kind in the module: a change to a type without refreshing {@code crds/} (or a stale
 * file left behind) fails here with the command that fixes it.
 */
class CommittedCrdsTest {
    private static final String SUFFIX = ".unibloc.io-v1.yml";

    @Test
    void committedCrdsMatchTheGeneratedOnes() throws IOException {
        Path generatedDir = dir("unibloc.crd.generated.dir");
        Path committedDir = dir("unibloc.crd.committed.dir");
        Map<String, String> generated = read(generatedDir);
        Map<String, String> committed = read(committedDir);
        assertThat(generated)
                .as("CRD files generated in %s", generatedDir)
                .containsKeys("unikernelpods" + SUFFIX, "unikernelimages" + SUFFIX);

        List<String> problems = new ArrayList<>();
        generated.forEach((name, text) -> {
            if (!committed.containsKey(name)) {
                problems.add("missing in crds/: " + name);
            } else if (!normalise(committed.get(name)).equals(normalise(text))) {
                problems.add("differs from the generated one: crds/" + name);
            }
        });
        committed.keySet().stream()
                .filter(name -> !generated.containsKey(name))
                .forEach(name -> problems.add("no Java type generates crds/" + name + " any more: git rm it"));

        if (!problems.isEmpty()) {
            Path root = committedDir.getParent();
            fail(
                    "crds/ is out of date with the Java types in module api:%n  %s%nRefresh it from the repository root with:%n"
                            + "  cp %s/*%s crds/%n(then review and commit the diff)",
                    String.join("\n  ", problems), root.relativize(generatedDir), SUFFIX);
        }
    }

    private static Path dir(String property) {
        String value = System.getProperty(property);
        assertThat(value)
                .as("system property %s (set by api/pom.xml)", property)
                .isNotBlank();
        return Paths.get(value).toAbsolutePath().normalize();
    }

    private static Map<String, String> read(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p :
                    (Iterable<Path>) list.filter(p -> p.getFileName().toString().endsWith(SUFFIX))::iterator) {
                files.put(p.getFileName().toString(), Files.readString(p, StandardCharsets.UTF_8));
            }
        }
        return files;
    }

    /** Line endings and trailing blank lines are not differences a reviewer cares about. */
    private static String normalise(String text) {
        return text.replace("\r\n", "\n").stripTrailing();
    }
}
