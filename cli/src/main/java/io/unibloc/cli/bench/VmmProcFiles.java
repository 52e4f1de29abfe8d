package io.unibloc.cli.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whether a running VMM opened its root's files with {@code O_DIRECT} ({@code /proc/PID/fdinfo}'s {@code flags}):
 * with it ({@code cache=none}) QEMU reads around the host page cache, without it every guest's reads would be cached
 * a second time under its own device or overlay, beside the store file's cache.
 */
final class VmmProcFiles {
    /** {@code O_DIRECT} on x86-64 and arm64's generic value: octal 040000. */
    static final int O_DIRECT = 040000;

    private VmmProcFiles() {}

    /**
     * Whether a {@code /proc/PID/fdinfo/FD} text has {@code O_DIRECT} in its {@code flags} (octal).
     *
     * @throws IllegalArgumentException when the text has no {@code flags} line
     */
    static boolean direct(String fdinfo) {
        for (String line : fdinfo.split("\n")) {
            if (line.startsWith("flags:")) {
                return (Integer.parseInt(line.substring("flags:".length()).strip(), 8) & O_DIRECT) != 0;
            }
        }
        throw new IllegalArgumentException("no flags line in fdinfo: " + fdinfo.strip());
    }

    /** Which of {@code paths} process {@code pid} has open, each with its O_DIRECT flag (false if any of its fds lacks it). */
    static Map<String, Boolean> openFiles(long pid, String... paths) {
        Map<String, Boolean> out = new LinkedHashMap<>();
        Path proc = Path.of("/proc", Long.toString(pid));
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
            for (Path fd : fds) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    continue; // closed meanwhile
                }
                for (String path : paths) {
                    if (target.equals(path)) {
                        out.merge(
                                target,
                                direct(read(proc.resolve("fdinfo").resolve(fd.getFileName()))),
                                Boolean::logicalAnd);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the open files of process " + pid, e);
        }
        return out;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
