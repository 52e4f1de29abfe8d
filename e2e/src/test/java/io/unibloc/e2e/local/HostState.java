package io.unibloc.e2e.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the kernel says about loop devices and mounts, read the way an operator would check a node by hand
 * ({@code losetup}, {@code /proc/self/mountinfo}), and the few host commands the tests run.
 */
final class HostState {

    /** One attached loop device and the file (or device) behind it. */
    record Loop(String device, String backingFile) {}

    /** The result of a host command. */
    record Output(int exitCode, String text) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    private HostState() {}

    /** Every attached loop device ({@code losetup --list}). */
    static List<Loop> loops() {
        Output out = run(List.of("losetup", "--list", "--noheadings", "--raw", "--output", "NAME,BACK-FILE"), Map.of());
        if (!out.ok()) {
            throw new IllegalStateException("losetup --list failed: " + out.text());
        }
        List<Loop> loops = new ArrayList<>();
        for (String line : out.text().split("\n")) {
            String[] parts = line.strip().split(" ", 2);
            if (parts.length == 2) {
                loops.add(new Loop(parts[0], unescape(parts[1])));
            }
        }
        return loops;
    }

    /** {@code losetup -j FILE}: the loop devices backed by {@code file}, as losetup prints them (empty when none). */
    static String loopsBackedBy(Path file) {
        Output out = run(List.of("losetup", "-j", file.toString()), Map.of());
        if (!out.ok()) {
            throw new IllegalStateException("losetup -j " + file + " failed: " + out.text());
        }
        return out.text().strip();
    }

    /** Mount points at or below {@code dir}, deepest first (the order to unmount them in). */
    static List<Path> mountsUnder(Path dir) {
        List<Path> found = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
                String[] fields = line.split(" ");
                if (fields.length > 4) {
                    Path mountPoint = Path.of(unescape(fields[4]));
                    if (mountPoint.startsWith(dir)) {
                        found.add(mountPoint);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/mountinfo", e);
        }
        found.sort((a, b) -> Integer.compare(b.getNameCount(), a.getNameCount()));
        return found;
    }

    /** Runs a command with a two-minute bound; standard error is merged into the output. */
    static Output run(List<String> command, Map<String, String> env) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                return new Output(-1, "`" + String.join(" ", command) + "` did not finish in 2 minutes");
            }
            return new Output(process.exitValue(), text);
        } catch (IOException e) {
            return new Output(-1, "cannot run " + command.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Output(-1, "interrupted running " + command.get(0));
        }
    }

    /** Undoes the octal escapes ({@code \040}, {@code \x20}) that mountinfo and losetup --raw use. */
    static String unescape(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 3 < text.length() && text.charAt(i + 1) == 'x') {
                out.append((char) Integer.parseInt(text.substring(i + 2, i + 4), 16));
                i += 3;
            } else if (c == '\\'
                    && i + 3 < text.length()
                    && text.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                out.append((char) Integer.parseInt(text.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
