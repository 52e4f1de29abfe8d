package io.unibloc.cli.bench;

import io.unibloc.blockstore.fs.Exec;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs a host tool for the baselines through the engine's runner ({@link Exec}, the project's one); returns its
 * stdout, and a failure is an exception naming the command and its stderr.
 */
final class Proc {
    /** Baselines copy and read whole images on a loaded machine. */
    private static final Duration TIMEOUT = Duration.ofMinutes(30);

    private Proc() {}

    static String run(String... command) {
        return run(List.of(command));
    }

    static String run(List<String> command) {
        Exec.Result result = Exec.run(command, Map.of(), TIMEOUT);
        if (!result.ok()) {
            throw new IllegalStateException(
                    String.join(" ", command) + " exited " + result.exitCode() + ": " + result.output());
        }
        return result.stdout();
    }
}
