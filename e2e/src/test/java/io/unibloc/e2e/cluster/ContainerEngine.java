package io.unibloc.e2e.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Says whether a container engine can be reached, the cheap way: a configured Docker host, or an engine socket that
 * exists. It never connects and never loads Testcontainers, so where there is no engine the cluster suite can skip
 * in milliseconds without trying to download anything.
 */
record ContainerEngine(String endpoint) {

    /** The endpoint found, or empty with {@link #lookedAt(Map, Path)} telling where it looked. */
    static Optional<ContainerEngine> detect() {
        return detect(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    static Optional<ContainerEngine> detect(Map<String, String> env, Path home) {
        String dockerHost = env.get("DOCKER_HOST");
        if (dockerHost != null && !dockerHost.isBlank()) {
            return Optional.of(new ContainerEngine(dockerHost));
        }
        Optional<String> configured = testcontainersProperty(home, "docker.host");
        if (configured.isPresent()) {
            return Optional.of(new ContainerEngine(configured.get()));
        }
        for (Path socket : sockets(env, home)) {
            if (Files.exists(socket)) {
                return Optional.of(new ContainerEngine("unix://" + socket));
            }
        }
        return Optional.empty();
    }

    /** Where {@link #detect()} looks, for the skip message. */
    static String lookedAt(Map<String, String> env, Path home) {
        List<String> places = new ArrayList<>(List.of("DOCKER_HOST", "docker.host in ~/.testcontainers.properties"));
        sockets(env, home).forEach(s -> places.add(s.toString()));
        return String.join(", ", places);
    }

    private static List<Path> sockets(Map<String, String> env, Path home) {
        List<Path> sockets = new ArrayList<>(List.of(
                Path.of("/var/run/docker.sock"),
                Path.of("/run/podman/podman.sock"),
                home.resolve(".docker/run/docker.sock")));
        String runtimeDir = env.get("XDG_RUNTIME_DIR");
        if (runtimeDir != null && !runtimeDir.isBlank()) {
            sockets.add(Path.of(runtimeDir, "docker.sock"));
            sockets.add(Path.of(runtimeDir, "podman", "podman.sock"));
        }
        return sockets;
    }

    private static Optional<String> testcontainersProperty(Path home, String key) {
        Path file = home.resolve(".testcontainers.properties");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.ofNullable(properties.getProperty(key)).filter(v -> !v.isBlank());
    }
}
