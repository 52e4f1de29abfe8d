package io.unibloc.sandbox.it;

import io.unibloc.sandbox.Main;
import io.unibloc.sandbox.StatusFiles;
import io.unibloc.sandbox.net.NetworkOptions;
import io.unibloc.sandbox.spec.BootSpec;
import io.unibloc.sandbox.spec.BootSpecReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The sandbox's {@link Main} as a process inside a Pod network namespace, as the container runtime would start it
 * ({@code ip netns exec POD [wrapper...] java ... Main --spec FILE}). Its work directories live under {@code dir}, so
 * a passt it started can be found by that path.
 */
final class NetnsSandbox implements AutoCloseable {

    final Path dir;
    final Path stdout;
    final Path stderr;
    final Path terminationLog;
    private final Process process;

    private NetnsSandbox(Path dir, Process process) {
        this.dir = dir;
        this.process = process;
        this.stdout = dir.resolve("stdout");
        this.stderr = dir.resolve("stderr");
        this.terminationLog = dir.resolve("termination-log");
    }

    /**
     * @param wrapper commands that run the JVM in a changed environment (setpriv, unshare), possibly empty
     * @param env extra environment variables, name then value
     */
    static NetnsSandbox start(PodNetns ns, BootSpec spec, Path dir, List<String> wrapper, String... env)
            throws IOException {
        Files.createDirectories(dir.resolve("tmp"));
        Path specFile = dir.resolve("spec.json");
        Files.writeString(specFile, new BootSpecReader().write(spec));
        Path resolv = dir.resolve("resolv.conf");
        Files.writeString(resolv, "nameserver " + ns.gateway + "\nsearch test.svc.cluster.local\n");
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns.pod));
        argv.addAll(wrapper);
        argv.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + dir.resolve("tmp"),
                "-cp",
                classPath(),
                Main.class.getName(),
                "--accel",
                "tcg",
                "--grace",
                "60",
                "--spec",
                specFile.toString()));
        ProcessBuilder builder = new ProcessBuilder(argv)
                .redirectOutput(dir.resolve("stdout").toFile())
                .redirectError(dir.resolve("stderr").toFile());
        builder.environment()
                .put(
                        StatusFiles.ENV_TERMINATION_LOG,
                        dir.resolve("termination-log").toString());
        builder.environment().put(NetworkOptions.ENV_RESOLV_CONF, resolv.toString());
        for (int i = 0; i + 1 < env.length; i += 2) {
            builder.environment().put(env[i], env[i + 1]);
        }
        return new NetnsSandbox(dir, builder.start());
    }

    /** Waits until the console has {@code line} or the sandbox ended; returns whether the line came. */
    boolean awaitConsole(String line, long minutes) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(minutes);
        while (System.nanoTime() < deadline) {
            if (Files.exists(stdout) && Files.readString(stdout).contains(line)) {
                return true;
            }
            if (!process.isAlive()) {
                return Files.exists(stdout) && Files.readString(stdout).contains(line);
            }
            Thread.sleep(100);
        }
        return false;
    }

    String console() throws IOException {
        return Files.exists(stdout) ? Files.readString(stdout) : "";
    }

    String errors() throws IOException {
        return Files.exists(stderr) ? Files.readString(stderr) : "";
    }

    String terminationMessage() throws IOException {
        return Files.exists(terminationLog) ? Files.readString(terminationLog) : "";
    }

    /** SIGTERM, as the kubelet stops a container; returns the exit status. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            throw new IllegalStateException("the sandbox did not end within 3 minutes of SIGTERM");
        }
        return process.exitValue();
    }

    int awaitExit(long minutes) throws InterruptedException {
        if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
            throw new IllegalStateException("the sandbox did not end within " + minutes + " minutes");
        }
        return process.exitValue();
    }

    /** kill -9 of the sandbox and everything it started, as when a container is killed. */
    void crash() throws InterruptedException {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        process.destroyForcibly();
        all.forEach(ProcessHandle::destroyForcibly);
        process.waitFor(30, TimeUnit.SECONDS);
        for (ProcessHandle handle : all) {
            handle.onExit()
                    .orTimeout(30, TimeUnit.SECONDS)
                    .exceptionally(e -> handle)
                    .join();
        }
    }

    /** Processes still running whose command line mentions this sandbox's directory (passt's socket is there). */
    List<String> processesUsingDir() {
        String marker = dir.toString();
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                .filter(p -> p.pid() != process.pid() && p.isAlive())
                .filter(p -> !p.info().command().orElse("").endsWith("/java"))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
                .toList();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            crash();
        }
    }

    private static String classPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }
}
