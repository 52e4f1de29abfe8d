package io.unibloc.e2e.images;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One start of the sandbox image up to the exec of its VMM, measured from both sides. A stand-in plays QEMU: a shell
 * script that, as its first act, stamps the wall clock and reads its parent's (the launcher JVM's) CPU time, then
 * exits 0 (a powered-off guest). The container's first command stamps the clock just before it execs the image's
 * entrypoint, so "entry to exec" is everything the image does in front of the guest: entrypoint, JVM, launcher.
 *
 * @param bench the host directory mounted at {@value #MOUNT}: the stand-in, the root disk and the stamps
 * @param rootDisk the ext4 image handed in as the Pod's root device (the kernel is read out of it, as in a Pod)
 * @param spec the boot spec JSON
 */
record LauncherStart(Path bench, Path rootDisk, String spec) {
    static final String MOUNT = "/bench";
    private static final Pattern LOGGED =
            Pattern.compile("vmm exec (\\d+) ms after JVM start .*launcher CPU (\\d+) ms");
    /**
     * Stamps first (date is the only fork before the stamp), then the parent's CPU: the sum of its threads' run
     * times in nanoseconds (/proc/PID/task/TID/schedstat), and utime+stime in clock ticks (which also counts threads
     * that already ended).
     */
    private static final String STAND_IN = """
            #!/bin/sh
            now=$(date +%s%N)
            cpu=0
            for f in /proc/$PPID/task/*/schedstat; do read -r run rest < "$f" && cpu=$((cpu + run)); done
            set -- $(cut -d')' -f2- /proc/$PPID/stat)
            echo "$now $cpu ${12} ${13}" > /bench/out/exec
            exit 0
            """;

    /** What one start measured; a figure the launcher did not log is -1. */
    record Sample(
            long entryToExecMs,
            long podmanToExecMs,
            long cpuMs,
            long cpuTicksMs,
            long loggedExecMs,
            long loggedCpuMs) {}

    /** Writes the stand-in and a root disk holding {@code /boot/kernel} into {@code bench}. */
    static LauncherStart prepare(Path bench, Path rootDisk) throws IOException {
        Files.createDirectories(bench.resolve("out"));
        Files.setPosixFilePermissions(bench, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(bench.resolve("qemu"), STAND_IN);
        Files.setPosixFilePermissions(bench.resolve("qemu"), PosixFilePermissions.fromString("rwxr-xr-x"));
        // The launcher drops to uid 65532 when it can open the devices: it must be able to stamp, and to open the disk.
        Files.setPosixFilePermissions(bench.resolve("out"), PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(rootDisk, PosixFilePermissions.fromString("rw-rw-rw-"));
        String spec = "{\"guest\":\"unikraft\",\"kernel\":\"/boot/kernel\",\"args\":[\"--port\",\"8080\"],"
                + "\"env\":{\"MODE\":\"bench\"},\"memoryMiB\":64}";
        return new LauncherStart(bench, rootDisk, spec);
    }

    /**
     * Starts {@code image} once with {@code javaOpts} ({@code null}: the image's own) and reads the stamps.
     *
     * @throws IllegalStateException with podman's output when the start did not reach the stand-in
     */
    Sample run(Podman podman, String image, String javaOpts) throws IOException {
        Path exec = bench.resolve("out/exec");
        Path entry = bench.resolve("out/entry");
        Files.deleteIfExists(exec);
        Files.deleteIfExists(entry);
        List<String> args = new ArrayList<>(List.of(
                "--network", "none",
                "-v", rootDisk + ":/dev/unibloc-root",
                "-v", bench + ":" + MOUNT,
                "-e", "UNIBLOC_BOOT_SPEC=" + spec,
                "-e", "UNIBLOC_QEMU=" + MOUNT + "/qemu"));
        if (javaOpts != null) {
            args.addAll(List.of("-e", "UNIBLOC_JAVA_OPTS=" + javaOpts));
        }
        args.addAll(List.of(
                "--entrypoint",
                "/bin/sh",
                image,
                "-c",
                "date +%s%N > " + MOUNT + "/out/entry; exec /opt/unibloc/entrypoint.sh --accel tcg"));
        long podmanStart = System.currentTimeMillis();
        Podman.Result result = podman.runContainer(args, Duration.ofMinutes(2));
        if (result.code() != 0 || !Files.exists(exec) || !Files.exists(entry)) {
            throw new IllegalStateException("the sandbox did not reach its VMM: " + result.describe());
        }
        String[] at = Files.readString(exec).trim().split(" ");
        long execNanos = Long.parseLong(at[0]);
        long entryNanos = Long.parseLong(Files.readString(entry).trim());
        Matcher logged = LOGGED.matcher(result.stderr());
        boolean found = logged.find();
        return new Sample(
                (execNanos - entryNanos) / 1_000_000,
                execNanos / 1_000_000 - podmanStart,
                Long.parseLong(at[1]) / 1_000_000,
                (Long.parseLong(at[2]) + Long.parseLong(at[3])) * 10,
                found ? Long.parseLong(logged.group(1)) : -1,
                found ? Long.parseLong(logged.group(2)) : -1);
    }

    /** The value at {@code fraction} of the sorted values (0.5: median), nearest rank. */
    static OptionalLong percentile(List<Long> values, double fraction) {
        List<Long> known = values.stream().filter(v -> v >= 0).sorted().toList();
        if (known.isEmpty()) {
            return OptionalLong.empty();
        }
        int rank = (int) Math.ceil(fraction * known.size());
        return OptionalLong.of(known.get(Math.max(0, rank - 1)));
    }
}
