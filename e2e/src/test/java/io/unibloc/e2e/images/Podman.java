package io.unibloc.e2e.images;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The podman command line, with the {@code --ulimit} flags this machine's hard limits require on {@code run}
 * (podman raises nofile/nproc to its own defaults otherwise, which needs CAP_SYS_RESOURCE).
 *
 * @param binary the podman executable
 * @param limits {@code --ulimit} flags for {@code podman run}
 */
record Podman(Path binary, List<String> limits) {

    /** The podman found on PATH that answers {@code podman info}, or empty with nothing started. */
    static Optional<Podman> find() {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "podman");
            if (Files.isExecutable(candidate)) {
                Podman podman = new Podman(candidate, hardLimits());
                try {
                    if (podman.exec(List.of("info", "--format", "{{.Host.OCIRuntime.Name}}"), Duration.ofSeconds(60))
                                    .code()
                            == 0) {
                        return Optional.of(podman);
                    }
                } catch (IOException e) {
                    return Optional.empty();
                }
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * {@code --ulimit nofile=H:H --ulimit nproc=N:N}, as build-images.sh passes them: nofile at this process's hard
     * limit, nproc at most 4096 (the hard limit itself is refused with "error setting rlimit type 6").
     */
    private static List<String> hardLimits() {
        try {
            Result nofile = run(List.of("sh", "-c", "ulimit -Hn"), Duration.ofSeconds(10));
            Result nproc = run(List.of("sh", "-c", "ulimit -Hu"), Duration.ofSeconds(10));
            List<String> flags = new ArrayList<>();
            if (nofile.stdout().trim().matches("\\d+")) {
                flags.addAll(List.of(
                        "--ulimit",
                        "nofile=" + nofile.stdout().trim() + ":"
                                + nofile.stdout().trim()));
            }
            long processes = nproc.stdout().trim().matches("\\d+")
                    ? Math.min(Long.parseLong(nproc.stdout().trim()), 4096)
                    : 4096;
            flags.addAll(List.of("--ulimit", "nproc=" + processes + ":" + processes));
            return List.copyOf(flags);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read this process's hard limits", e);
        }
    }

    /**
     * {@code podman ARGS}; fails the caller with the output when it overruns {@code timeout}. With {@code
     * -Dunibloc.podman.runtime=NAME} every command names that OCI runtime (e.g. {@code runc} on a host whose cgroup
     * layout podman's default crun refuses: "cgroups in hybrid mode not supported").
     */
    Result exec(List<String> args, Duration timeout) throws IOException {
        List<String> command = new ArrayList<>(List.of(binary.toString()));
        String runtime = System.getProperty("unibloc.podman.runtime", "");
        if (!runtime.isBlank()) {
            command.addAll(List.of("--runtime", runtime));
        }
        command.addAll(args);
        return run(command, timeout);
    }

    /** {@code podman run --rm LIMITS ARGS}. */
    Result runContainer(List<String> args, Duration timeout) throws IOException {
        List<String> command = new ArrayList<>(List.of("run", "--rm"));
        command.addAll(limits);
        command.addAll(args);
        return exec(command, timeout);
    }

    /** Runs a command to its end, with stdout and stderr kept apart; kills it after {@code timeout}. */
    static Result run(List<String> command, Duration timeout) throws IOException {
        Path out = Files.createTempFile("unibloc-smoke-", ".out");
        Path err = Files.createTempFile("unibloc-smoke-", ".err");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            process.getOutputStream().close();
            long start = System.nanoTime();
            boolean ended;
            try {
                ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted running " + command, e);
            }
            if (!ended) {
                process.destroyForcibly();
                throw new IOException(command + " did not end within " + timeout + "; stdout:\n" + Files.readString(out)
                        + "\nstderr:\n" + Files.readString(err));
            }
            return new Result(
                    process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8),
                    Duration.ofNanos(System.nanoTime() - start));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** How a command ended. */
    record Result(int code, String stdout, String stderr, Duration took) {
        String describe() {
            return "exit " + code + " after " + took.toMillis() + " ms\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }
}
