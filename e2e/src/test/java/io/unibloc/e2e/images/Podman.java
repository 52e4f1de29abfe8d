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
 * (podman raises nofile/nproc to its own defaults otherwise, which needs CAP_SYS_RESOURCE), and the OCI runtime
 * that can start a container on this host.
 *
 * @param binary the podman executable
 * @param limits {@code --ulimit} flags for {@code podman run}
 * @param runtime the OCI runtime every command names, or empty for podman's default
 */
record Podman(Path binary, List<String> limits, String runtime) {

    /** A runtime podman can fall back to; Debian's runc starts containers on cgroup layouts crun refuses. */
    private static final String FALLBACK_RUNTIME = "runc";
    /** Debian's busybox-static: a one-file root filesystem for the runtime probe, no image needed. */
    private static final Path STATIC_BUSYBOX = Path.of("/bin/busybox");

    /**
     * The podman found on PATH that answers {@code podman info}, or empty with nothing started. Its runtime is
     * {@code -Dunibloc.podman.runtime} when given, otherwise decided by evidence (see {@link #workingRuntime}).
     */
    static Optional<Podman> find() {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "podman");
            if (Files.isExecutable(candidate)) {
                try {
                    Podman podman = new Podman(candidate, hardLimits(), "");
                    if (podman.exec(List.of("info", "--format", "{{.Host.OCIRuntime.Name}}"), Duration.ofSeconds(60))
                                    .code()
                            != 0) {
                        return Optional.empty();
                    }
                    String chosen = System.getProperty("unibloc.podman.runtime", "");
                    return Optional.of(new Podman(
                            candidate, podman.limits(), chosen.isBlank() ? podman.workingRuntime() : chosen));
                } catch (IOException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Starts a container from a one-file root filesystem with podman's default runtime and, when that fails, with
     * runc. Machines differ: on a host with cgroup v1 controllers beside a cgroup2 mount, Debian's crun 1.8 refuses
     * every container ("cgroups in hybrid mode not supported") while runc works. Empty when the default works or
     * nothing does (the smoke tests then report podman's own error).
     */
    private String workingRuntime() throws IOException {
        if (!Files.isExecutable(STATIC_BUSYBOX)) {
            return "";
        }
        Path rootfs = Files.createTempDirectory("unibloc-podman-probe-");
        try {
            Files.createDirectories(rootfs.resolve("bin"));
            Files.copy(STATIC_BUSYBOX, rootfs.resolve("bin/busybox"));
            Result ours = probe(List.of(), rootfs);
            if (ours.code() == 0) {
                return "";
            }
            Result fallback = probe(List.of("--runtime", FALLBACK_RUNTIME), rootfs);
            if (fallback.code() == 0) {
                System.out.println("IMAGES podman's default OCI runtime cannot start containers here ("
                        + ours.stderr().strip() + "); using " + FALLBACK_RUNTIME);
                return FALLBACK_RUNTIME;
            }
            return "";
        } finally {
            try (var files = Files.walk(rootfs)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }

    private Result probe(List<String> runtimeFlags, Path rootfs) throws IOException {
        List<String> command = new ArrayList<>(List.of(binary.toString()));
        command.addAll(runtimeFlags);
        command.addAll(List.of("run", "--rm"));
        command.addAll(limits);
        command.addAll(List.of("--rootfs", rootfs.toString(), "/bin/busybox", "true"));
        return run(command, Duration.ofSeconds(60));
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
     * {@code podman ARGS}, naming {@link #runtime()} when one was chosen; fails the caller with the output when it
     * overruns {@code timeout}.
     */
    Result exec(List<String> args, Duration timeout) throws IOException {
        List<String> command = new ArrayList<>(List.of(binary.toString()));
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
