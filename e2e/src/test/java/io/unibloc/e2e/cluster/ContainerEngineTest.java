package io.unibloc.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Engine detection looks only at configuration and socket files, and finds each kind of them. */
class ContainerEngineTest {
    @TempDir
    Path home;

    @Test
    void dockerHostWins() {
        assertThat(ContainerEngine.detect(Map.of("DOCKER_HOST", "tcp://10.1.2.3:2375"), home))
                .hasValueSatisfying(e -> assertThat(e.endpoint()).isEqualTo("tcp://10.1.2.3:2375"));
    }

    @Test
    void testcontainersPropertiesAreRead() throws Exception {
        Files.writeString(home.resolve(".testcontainers.properties"), "docker.host=unix:///srv/engine.sock\n");

        assertThat(ContainerEngine.detect(Map.of(), home))
                .hasValueSatisfying(e -> assertThat(e.endpoint()).isEqualTo("unix:///srv/engine.sock"));
    }

    @Test
    void rootlessPodmanSocketIsFound() throws Exception {
        Path runtime = Files.createDirectories(home.resolve("run/podman")).getParent();
        Files.createFile(runtime.resolve("podman/podman.sock"));

        assertThat(ContainerEngine.detect(Map.of("XDG_RUNTIME_DIR", runtime.toString()), home))
                .hasValueSatisfying(e -> assertThat(e.endpoint()).endsWith("run/podman/podman.sock"));
    }

    @Test
    void nothingConfiguredAndNoSocketMeansNoEngineAndSaysWhereItLooked() {
        Map<String, String> env =
                Map.of("XDG_RUNTIME_DIR", home.resolve("nothing-here").toString());

        // The machine-wide sockets are outside the test's control; only assert when they are absent.
        if (!Files.exists(Path.of("/var/run/docker.sock")) && !Files.exists(Path.of("/run/podman/podman.sock"))) {
            assertThat(ContainerEngine.detect(env, home)).isEmpty();
        }
        assertThat(ContainerEngine.lookedAt(env, home))
                .contains(
                        "DOCKER_HOST",
                        "/var/run/docker.sock",
                        home.resolve("nothing-here/podman/podman.sock").toString());
    }
}
