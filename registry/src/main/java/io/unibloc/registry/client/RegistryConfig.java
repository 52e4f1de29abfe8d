package io.unibloc.registry.client;

import io.unibloc.registry.RegistryException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How to reach registries.
 *
 * @param mirrors           registry host → mirror endpoints tried in order before the registry itself,
 *                          each {@code host[:port]} or {@code http(s)://host[:port]}
 * @param insecure          hosts spoken to over plain HTTP (127.0.0.1, localhost and ::1 always are)
 * @param parallelDownloads blobs downloaded at once per fetcher (≥ 1)
 * @param maxAttempts       tries per request on 5xx, timeouts and broken connections (≥ 1)
 * @param initialBackoff    wait before the second try; doubles per try up to {@code maxBackoff}
 * @param connectTimeout    TCP connect timeout
 * @param idleTimeout       a response that sends no bytes for this long is abandoned (and retried)
 */
public record RegistryConfig(
        Map<String, List<String>> mirrors,
        Set<String> insecure,
        int parallelDownloads,
        int maxAttempts,
        Duration initialBackoff,
        Duration maxBackoff,
        Duration connectTimeout,
        Duration idleTimeout) {
    public static final int DEFAULT_PARALLEL_DOWNLOADS = 3;

    public RegistryConfig {
        mirrors = mirrors == null ? Map.of() : Map.copyOf(mirrors);
        insecure = insecure == null ? Set.of() : Set.copyOf(insecure);
        if (parallelDownloads < 1 || maxAttempts < 1) {
            throw RegistryException.invalid("registry config: parallelDownloads and maxAttempts must be at least 1");
        }
    }

    public static RegistryConfig defaults() {
        return new RegistryConfig(
                Map.of(),
                Set.of(),
                DEFAULT_PARALLEL_DOWNLOADS,
                5,
                Duration.ofMillis(200),
                Duration.ofSeconds(10),
                Duration.ofSeconds(10),
                Duration.ofSeconds(60));
    }

    public RegistryConfig withMirrors(Map<String, List<String>> newMirrors) {
        return new RegistryConfig(
                newMirrors,
                insecure,
                parallelDownloads,
                maxAttempts,
                initialBackoff,
                maxBackoff,
                connectTimeout,
                idleTimeout);
    }

    public RegistryConfig withInsecure(Set<String> hosts) {
        return new RegistryConfig(
                mirrors,
                hosts,
                parallelDownloads,
                maxAttempts,
                initialBackoff,
                maxBackoff,
                connectTimeout,
                idleTimeout);
    }

    public RegistryConfig withParallelDownloads(int n) {
        return new RegistryConfig(
                mirrors, insecure, n, maxAttempts, initialBackoff, maxBackoff, connectTimeout, idleTimeout);
    }

    public RegistryConfig withRetries(int attempts, Duration initial, Duration max) {
        return new RegistryConfig(
                mirrors, insecure, parallelDownloads, attempts, initial, max, connectTimeout, idleTimeout);
    }

    public RegistryConfig withTimeouts(Duration connect, Duration idle) {
        return new RegistryConfig(
                mirrors, insecure, parallelDownloads, maxAttempts, initialBackoff, maxBackoff, connect, idle);
    }
}
