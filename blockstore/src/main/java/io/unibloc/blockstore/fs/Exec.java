package io.unibloc.blockstore.fs;

import io.unibloc.types.StoreException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a host tool with a timeout and captures its output. Standard input is closed so that a tool that
 * would prompt (mtools on a name clash, fsck) fails instead of hanging. The timeout is cut to the deadline of the
 * call in force ({@link Deadlines}); a tool stopped at that deadline is UNAVAILABLE (the caller has gone, its
 * retry may succeed), one stopped by its own timeout INTERNAL.
 */
public final class Exec {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    private Exec() {}

    /** What a finished command returned. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** The output for an error message: stderr, or stdout when stderr is empty, trimmed to 2000 chars. */
        public String output() {
            String text = (stderr.isBlank() ? stdout : stderr).strip();
            return text.length() > 2000 ? text.substring(0, 2000) + "..." : text;
        }
    }

    /** Runs the command and returns its result whatever the exit code. */
    public static Result run(List<String> command) {
        return run(command, Map.of(), DEFAULT_TIMEOUT);
    }

    public static Result run(List<String> command, Map<String, String> env, Duration timeout) {
        Duration bounded = Deadlines.bound(timeout);
        boolean byDeadline = bounded.compareTo(timeout) < 0;
        if (bounded.isNegative() || bounded.isZero()) {
            throw StoreException.unavailable(
                    "the call's deadline passed before running " + String.join(" ", command), null);
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(devNull()));
        builder.environment().putAll(env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw StoreException.internal("cannot start " + command.get(0) + ": " + e.getMessage(), e);
        }
        // One thread per stream: the common pool has a single thread on two cores and would serialise
        // the drains of concurrent commands, stalling tools that fill their pipes.
        CompletableFuture<String> err = drain(process.getErrorStream());
        CompletableFuture<String> out = drain(process.getInputStream());
        try {
            if (!process.waitFor(bounded.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                if (byDeadline) {
                    throw StoreException.unavailable(
                            "stopped at the call's deadline after " + bounded + ": " + String.join(" ", command), null);
                }
                throw StoreException.internal(
                        "command timed out after " + timeout + ": " + String.join(" ", command), null);
            }
            return new Result(List.copyOf(command), process.exitValue(), out.join(), err.join());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw StoreException.internal("interrupted while running " + String.join(" ", command), e);
        }
    }

    /** Runs the command and fails with INTERNAL naming the command and its output unless it exits 0. */
    public static Result check(List<String> command) {
        return check(command, Map.of());
    }

    public static Result check(List<String> command, Map<String, String> env) {
        Result result = run(command, env, DEFAULT_TIMEOUT);
        if (!result.ok()) {
            throw StoreException.internal(
                    "command failed (exit " + result.exitCode() + "): " + String.join(" ", command) + ": "
                            + result.output(),
                    null);
        }
        return result;
    }

    private static java.io.File devNull() {
        return new java.io.File("/dev/null");
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        CompletableFuture<String> result = new CompletableFuture<>();
        Thread thread = new Thread(
                () -> {
                    try (InputStream in = stream) {
                        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
                        in.transferTo(buffer);
                        result.complete(buffer.toString(StandardCharsets.UTF_8));
                    } catch (IOException e) {
                        result.completeExceptionally(new UncheckedIOException(e));
                    }
                },
                "exec-drain");
        thread.setDaemon(true);
        thread.start();
        return result;
    }
}
