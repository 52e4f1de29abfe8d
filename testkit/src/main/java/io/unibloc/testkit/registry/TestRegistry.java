package io.unibloc.testkit.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real OCI distribution registry (Debian's {@code docker-registry}, distribution 2.8) listening on
 * {@code 127.0.0.1} with a free port and a fresh temporary storage directory.
 *
 * <pre>{@code
 * try (TestRegistry registry = TestRegistry.start()) {
 *     image.push(registry, "demo/app", "1.0");
 * }
 * // or, in a JUnit 5 test class (JUnit closes it after the last test):
 * @AutoClose static final TestRegistry REGISTRY = TestRegistry.withBasicAuth("alice", "s3cret");
 * }</pre>
 *
 * <p>The factory methods return only once {@code GET /v2/} answers (200, or 401 when basic auth is on). They fail
 * with {@link IllegalStateException} when the binary is missing (the message says which apt package to install),
 * when the process exits early, or when it does not answer within {@value #STARTUP_TIMEOUT_SECONDS} seconds; the
 * message then carries the registry's own log. Nothing stays behind after a failed start.
 *
 * <p>{@link #close()} stops the process (SIGTERM, then SIGKILL) and deletes the storage directory; it is idempotent.
 * A JVM shutdown hook stops the process too if a test forgets to close it. Instances are safe to share between
 * threads; each one is independent, so parallel test runs on the same machine do not interfere.
 */
public final class TestRegistry implements AutoCloseable {
    /** Where Debian's {@code docker-registry} package installs the binary. */
    public static final Path BINARY = Path.of("/usr/bin/docker-registry");

    static final int STARTUP_TIMEOUT_SECONDS = 20;
    private static final Logger LOG = LoggerFactory.getLogger(TestRegistry.class);
    private static final int START_ATTEMPTS = 3;

    private final Process process;
    private final Path workDir;
    private final int port;
    private final Optional<Credentials> credentials;
    private final Thread shutdownHook;
    private boolean closed;

    private TestRegistry(Process process, Path workDir, int port, Optional<Credentials> credentials) {
        this.process = process;
        this.workDir = workDir;
        this.port = port;
        this.credentials = credentials;
        this.shutdownHook = new Thread(this::stopProcess, "test-registry-" + port + "-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts an anonymous registry (no auth). */
    public static TestRegistry start() {
        return start(Optional.empty());
    }

    /**
     * Starts a registry that requires HTTP basic auth with exactly these credentials (bcrypt htpasswd); anonymous
     * requests get 401.
     */
    public static TestRegistry withBasicAuth(String user, String password) {
        return start(Optional.of(new Credentials(user, password)));
    }

    private static TestRegistry start(Optional<Credentials> credentials) {
        return start(BINARY, Path.of(System.getProperty("java.io.tmpdir")), credentials);
    }

    /** Seam for tests of the failure paths: another binary, another parent for the work directory. */
    static TestRegistry start(Path binary, Path tempParent, Optional<Credentials> credentials) {
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("the test registry needs " + binary + " (OCI distribution registry),"
                    + " which is missing: apt-get install docker-registry");
        }
        IllegalStateException last = null;
        // The free port is only free until someone else takes it; a lost race shows as an early exit, so retry.
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return startOnce(binary, tempParent, credentials);
            } catch (PortTakenException e) {
                last = e;
                LOG.debug("registry port taken, retrying attempt={} cause={}", attempt, e.getMessage());
            }
        }
        throw last;
    }

    private static TestRegistry startOnce(Path binary, Path tempParent, Optional<Credentials> credentials) {
        Path workDir = null;
        Process process = null;
        try {
            workDir = Files.createTempDirectory(tempParent, "unibloc-test-registry-");
            Path storage = Files.createDirectory(workDir.resolve("storage"));
            Path log = workDir.resolve("registry.log");
            int port = freePort();
            Path config = RegistryConfig.write(workDir, storage, port, credentials);
            process = new ProcessBuilder(binary.toString(), "serve", config.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            awaitReady(process, port, log);
            TestRegistry registry = new TestRegistry(process, workDir, port, credentials);
            LOG.info(
                    "test registry started url={} pid={} auth={} storage={}",
                    registry.url(),
                    process.pid(),
                    credentials.isPresent(),
                    storage);
            return registry;
        } catch (IOException e) {
            cleanUp(process, workDir);
            throw new UncheckedIOException("cannot start test registry " + binary, e);
        } catch (RuntimeException e) {
            cleanUp(process, workDir);
            throw e;
        }
    }

    private static void awaitReady(Process process, int port, Path log) {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI probe = URI.create("http://127.0.0.1:" + port + "/v2/");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STARTUP_TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String output = readLog(log);
                String message = "test registry on port " + port + " exited with code " + process.exitValue()
                        + " before answering /v2/; its log:\n" + output;
                throw output.contains("address already in use")
                        ? new PortTakenException(message)
                        : new IllegalStateException(message);
            }
            try {
                HttpResponse<Void> response = client.send(
                        HttpRequest.newBuilder(probe)
                                .timeout(Duration.ofSeconds(2))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200 || response.statusCode() == 401) {
                    return;
                }
            } catch (ConnectException e) {
                // Not listening yet.
            } catch (IOException e) {
                LOG.debug("registry probe failed port={} cause={}", port, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the test registry on port " + port, e);
            }
            sleep(50);
        }
        throw new IllegalStateException("test registry on port " + port + " did not answer /v2/ within "
                + STARTUP_TIMEOUT_SECONDS + "s; its log:\n" + readLog(log));
    }

    /** Base URL, e.g. {@code http://127.0.0.1:41234} (no trailing slash). */
    public URI url() {
        return URI.create("http://" + hostPort());
    }

    /** {@code 127.0.0.1:<port>}, the registry part of an image reference such as {@code 127.0.0.1:41234/app:1}. */
    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The credentials the registry requires, or empty for an anonymous registry. */
    public Optional<Credentials> credentials() {
        return credentials;
    }

    /** The registry's storage root (its filesystem driver's {@code rootdirectory}); deleted by {@link #close()}. */
    public Path storageDir() {
        return workDir.resolve("storage");
    }

    /**
     * The file in which the registry keeps a blob's content (filesystem driver layout). Overwriting it makes the
     * registry serve different bytes under the same digest: the way to test that a puller verifies what it reads.
     * The file need not exist.
     */
    public Path blobFile(String digest) {
        if (digest == null || !digest.matches("sha256:[a-f0-9]{64}")) {
            throw new IllegalArgumentException("digest '" + digest + "' is not sha256:<64 lowercase hex>");
        }
        String hex = digest.substring("sha256:".length());
        return storageDir()
                .resolve("docker/registry/v2/blobs/sha256")
                .resolve(hex.substring(0, 2))
                .resolve(hex)
                .resolve("data");
    }

    /** The PID of the registry process. */
    public long pid() {
        return process.pid();
    }

    /** A client for this registry's distribution API, authenticating when the registry requires it. */
    public RegistryPusher client() {
        return new RegistryPusher(url(), credentials);
    }

    /**
     * A Docker config JSON ({@code ~/.docker/config.json}, or the {@code .dockerconfigjson} key of a Kubernetes
     * pull secret) granting access to this registry: {@code {"auths":{"127.0.0.1:<port>":{"auth":"<base64>"}}}},
     * or {@code {"auths":{}}} for an anonymous registry.
     */
    public String dockerConfigJson() {
        String auths = credentials
                .map(c -> "\"" + hostPort() + "\":{\"auth\":\""
                        + c.authorizationHeader().substring("Basic ".length()) + "\"}")
                .orElse("");
        return "{\"auths\":{" + auths + "}}";
    }

    /** The registry's own log so far (warnings and errors only), for assertion messages. */
    public String log() {
        return readLog(workDir.resolve("registry.log"));
    }

    /** Stops the registry process and deletes its storage directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopProcess();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down; the hook runs or ran anyway.
        }
        deleteRecursively(workDir);
        LOG.debug("test registry stopped url={}", url());
    }

    @Override
    public String toString() {
        return "TestRegistry[" + url() + ", pid=" + process.pid() + ", auth=" + credentials.isPresent() + "]";
    }

    private void stopProcess() {
        stop(process);
    }

    private static void stop(Process process) {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void cleanUp(Process process, Path workDir) {
        stop(process);
        if (workDir != null) {
            deleteRecursively(workDir);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String readLog(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(log " + log + " unreadable: " + e.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the test registry", e);
        }
    }

    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete test registry directory " + root, e);
        }
    }

    /** The registry lost the race for its port; the caller retries with another one. */
    private static final class PortTakenException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        PortTakenException(String message) {
            super(message);
        }
    }
}
