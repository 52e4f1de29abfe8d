package io.unibloc.testkit.guest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a host tool and insists that it succeeds (also used by {@code testkit.pagecache}). */
public final class HostTool {

    private HostTool() {}

    /** @return standard output; @throws IOException with the command and its output when it fails */
    public static String run(List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process process = builder.start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IOException("`" + String.join(" ", command) + "` did not finish in 2 minutes");
            }
            if (process.exitValue() != 0) {
                throw new IOException(
                        "`" + String.join(" ", command) + "` exited " + process.exitValue() + ": " + output.strip());
            }
            return output;
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running " + command.get(0), e);
        }
    }

    public static String run(String... command) throws IOException {
        return run(List.of(command), Map.of());
    }
}
