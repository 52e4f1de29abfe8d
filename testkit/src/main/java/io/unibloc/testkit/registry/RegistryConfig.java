package io.unibloc.testkit.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Writes the files one {@code docker-registry} process reads: its YAML configuration and, with basic auth, a bcrypt
 * htpasswd file made by Apache's {@code htpasswd} tool.
 */
final class RegistryConfig {
    static final Path HTPASSWD_BINARY = Path.of("/usr/bin/htpasswd");

    private RegistryConfig() {}

    /**
     * Writes {@code config.yml} (and {@code htpasswd} when credentials are given) into {@code dir}.
     *
     * @return the path of the YAML file
     */
    static Path write(Path dir, Path storage, int port, Optional<Credentials> credentials) {
        try {
            StringBuilder yaml = new StringBuilder()
                    .append("version: 0.1\n")
                    .append("log:\n")
                    .append("  level: warn\n")
                    .append("  accesslog:\n")
                    .append("    disabled: true\n")
                    .append("storage:\n")
                    .append("  filesystem:\n")
                    .append("    rootdirectory: ")
                    .append(quote(storage.toString()))
                    .append('\n')
                    .append("  delete:\n")
                    .append("    enabled: true\n")
                    // The purger would otherwise wake up and walk the storage dir in the background.
                    .append("  maintenance:\n")
                    .append("    uploadpurging:\n")
                    .append("      enabled: false\n")
                    .append("http:\n")
                    .append("  addr: 127.0.0.1:")
                    .append(port)
                    .append('\n')
                    // A fixed secret avoids the registry's warning and keeps upload state valid across requests.
                    .append("  secret: ")
                    .append(randomHex())
                    .append('\n');
            if (credentials.isPresent()) {
                Path htpasswd = dir.resolve("htpasswd");
                Files.writeString(htpasswd, htpasswdLine(credentials.get()) + "\n", StandardCharsets.UTF_8);
                yaml.append("auth:\n")
                        .append("  htpasswd:\n")
                        .append("    realm: unibloc-test\n")
                        .append("    path: ")
                        .append(quote(htpasswd.toString()))
                        .append('\n');
            }
            Path config = dir.resolve("config.yml");
            Files.writeString(config, yaml.toString(), StandardCharsets.UTF_8);
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write registry configuration into " + dir, e);
        }
    }

    /** A bcrypt htpasswd line; the password goes over stdin so it never shows in a process listing. */
    static String htpasswdLine(Credentials credentials) throws IOException {
        if (!Files.isExecutable(HTPASSWD_BINARY)) {
            throw new IllegalStateException("basic auth for the test registry needs " + HTPASSWD_BINARY
                    + " (bcrypt htpasswd): apt-get install apache2-utils");
        }
        Process process = new ProcessBuilder(HTPASSWD_BINARY.toString(), "-nBi", credentials.user())
                .redirectErrorStream(true)
                .start();
        try (var stdin = process.getOutputStream()) {
            stdin.write(credentials.password().getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("htpasswd did not finish within 30s for user " + credentials.user());
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while hashing the password of user " + credentials.user(), e);
        }
        String line = output.lines()
                .filter(l -> l.startsWith(credentials.user() + ":$2"))
                .findFirst()
                .orElse(null);
        if (process.exitValue() != 0 || line == null) {
            throw new IllegalStateException("htpasswd failed for user " + credentials.user() + " (exit "
                    + process.exitValue() + "): " + output.replace(credentials.password(), "***"));
        }
        return line;
    }

    private static String quote(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    private static String randomHex() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
