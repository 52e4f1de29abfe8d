package io.unibloc.sandbox.tool;

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
 * Runs a host tool to completion. Standard input is closed at once; both output streams are drained in the
 * background so a chatty tool can never block on a full pipe. Stateless and safe to share between threads.
 */
public final class ProcessRunner {

    private final Duration timeout;

    /** @param timeout how long any single tool may run before it is killed and reported as hung */
    public ProcessRunner(Duration timeout) {
        this.timeout = timeout;
    }

    public ProcessRunner() {
        this(Duration.ofMinutes(2));
    }

    /**
     * Runs {@code command} with the extra environment variables {@code env}.
     *
     * @return the result, whatever the exit status; callers decide what a failure means
     * @throws ToolException when the tool cannot be started (not installed) or exceeds the timeout
     */
    public ToolResult run(List<String> command, Map<String, String> env) throws ToolException {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new ToolException(
                    "cannot run `" + command.get(0) + "` (is it installed and on PATH?): " + e.getMessage(), e);
        }
        CompletableFuture<String> out = drain(process.getInputStream());
        CompletableFuture<String> err = drain(process.getErrorStream());
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                throw new ToolException("`" + String.join(" ", command) + "` did not finish within " + timeout);
            }
            return new ToolResult(command, process.exitValue(), out.join(), err.join());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ToolException("interrupted while running `" + String.join(" ", command) + "`", e);
        }
    }

    public ToolResult run(List<String> command) throws ToolException {
        return run(command, Map.of());
    }

    /** Runs the command and insists on exit status 0. */
    public ToolResult runChecked(List<String> command, Map<String, String> env) throws ToolException {
        ToolResult result = run(command, env);
        if (!result.ok()) {
            throw new ToolException(result.describe());
        }
        return result;
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        // A thread of its own per stream: a shared pool with one worker (2-core machines) could leave the
        // second stream undrained and deadlock a tool that fills its stderr pipe.
        return CompletableFuture.supplyAsync(
                () -> {
                    try (stream) {
                        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                },
                runnable -> {
                    Thread thread = new Thread(runnable, "tool-output");
                    thread.setDaemon(true);
                    thread.start();
                });
    }
}
