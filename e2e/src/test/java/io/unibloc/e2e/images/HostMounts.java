package io.unibloc.e2e.images;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Host-side plumbing of the smoke tests: a directory made a shared mount (as kubelet makes its own directory), so
 * that a container's Bidirectional (rshared) mounts under it reach the host, and the clean-up of what such a
 * container leaves there: mounts below it and loop devices backed by files inside it.
 */
final class HostMounts implements AutoCloseable {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    private final Path dir;

    private HostMounts(Path dir) {
        this.dir = dir;
    }

    /** Bind-mounts {@code dir} onto itself and makes it rshared. */
    static HostMounts shared(Path dir) throws IOException {
        check(List.of("mount", "--bind", dir.toString(), dir.toString()));
        HostMounts mounts = new HostMounts(dir);
        try {
            check(List.of("mount", "--make-rshared", dir.toString()));
        } catch (IOException | RuntimeException e) {
            mounts.close();
            throw e;
        }
        return mounts;
    }

    Path dir() {
        return dir;
    }

    /** Mount points strictly below the shared directory, deepest first. */
    List<String> mountsBelow() throws IOException {
        Podman.Result result = check(List.of("findmnt", "-rn", "-o", "TARGET"));
        List<String> below = new ArrayList<>(result.stdout()
                .lines()
                .filter(m -> m.startsWith(dir + "/"))
                .distinct()
                .toList());
        below.sort(Comparator.comparingInt(String::length).reversed());
        return below;
    }

    /** Loop devices whose backing file lies inside the shared directory, with that file. */
    Map<String, String> loopsInside() throws IOException {
        Podman.Result result = check(List.of("losetup", "-l", "-n", "-O", "NAME,BACK-FILE"));
        Map<String, String> loops = new LinkedHashMap<>();
        for (String line : result.stdout().lines().toList()) {
            String[] fields = line.trim().split("\\s+", 2);
            if (fields.length == 2 && fields[1].startsWith(dir.toString() + "/")) {
                loops.put(fields[0], fields[1]);
            }
        }
        return loops;
    }

    /**
     * Unmounts everything below and the directory itself and detaches the loop devices of files inside it. Two
     * passes, as a loop device keeps the filesystem holding its file busy and a mount keeps its loop device.
     */
    @Override
    public void close() throws IOException {
        for (int pass = 0; pass < 2; pass++) {
            for (String mount : mountsBelow()) {
                Podman.run(List.of("umount", mount), COMMAND_TIMEOUT);
            }
            for (String loop : loopsInside().keySet()) {
                Podman.run(List.of("losetup", "-d", loop), COMMAND_TIMEOUT);
            }
        }
        List<String> failures = new ArrayList<>();
        for (String mount : mountsBelow()) {
            unmount(mount, failures);
        }
        unmount(dir.toString(), failures);
        loopsInside().forEach((loop, file) -> failures.add("loop device " + loop + " still attached to " + file));
        if (!failures.isEmpty()) {
            throw new IOException("cleaning " + dir + " left: " + failures);
        }
    }

    private static void unmount(String mount, List<String> failures) throws IOException {
        Podman.Result result = Podman.run(List.of("umount", mount), COMMAND_TIMEOUT);
        if (result.code() != 0) {
            Podman.Result lazy = Podman.run(List.of("umount", "-l", mount), COMMAND_TIMEOUT);
            if (lazy.code() != 0) {
                failures.add("umount " + mount + ": " + lazy.stderr().trim());
            }
        }
    }

    static Podman.Result check(List<String> command) throws IOException {
        Podman.Result result = Podman.run(command, COMMAND_TIMEOUT);
        if (result.code() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + result.describe());
        }
        return result;
    }
}
