package io.unibloc.sandbox.launch;

import io.unibloc.sandbox.tool.ProcessRunner;
import io.unibloc.sandbox.tool.ToolException;
import io.unibloc.sandbox.tool.ToolResult;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes runs of bytes into a qcow2 overlay through {@code qemu-io}, which keeps the backing device read-only and
 * the overlay's format QEMU's own. Each run goes through a file of exactly its length ({@code write -s} repeats a
 * shorter file as a pattern), one {@code -c} per run.
 */
final class OverlayWriter {

    /** Runs per qemu-io process: keeps the argument list far below the kernel's limit. */
    private static final int RUNS_PER_PROCESS = 256;

    private final ProcessRunner runner;
    private final String qemuIo;

    OverlayWriter(ProcessRunner runner, String qemuIo) {
        this.runner = runner;
        this.qemuIo = qemuIo;
    }

    /**
     * Copies each run of {@code source} to the same offset of {@code overlay}, staging the run files in
     * {@code workDir} (the caller removes it).
     *
     * @throws LaunchException naming the overlay when a run cannot be staged or qemu-io fails; the overlay may then
     *     hold some of the runs and must not be booted
     */
    void write(Path overlay, Path source, List<ByteRange> runs, Path workDir) throws LaunchException {
        if (workDir.toAbsolutePath().toString().chars().anyMatch(Character::isWhitespace)) {
            // qemu-io splits a -c command at blanks and has no quoting
            throw new LaunchException("cannot write into the overlay " + overlay + " through qemu-io: the scratch path "
                    + workDir + " contains a blank");
        }
        for (int first = 0; first < runs.size(); first += RUNS_PER_PROCESS) {
            List<ByteRange> batch = runs.subList(first, Math.min(runs.size(), first + RUNS_PER_PROCESS));
            List<String> command = new ArrayList<>(List.of(qemuIo, "-f", "qcow2"));
            for (int i = 0; i < batch.size(); i++) {
                ByteRange run = batch.get(i);
                Path file = stage(source, run, workDir.resolve("run-" + (first + i)), overlay);
                command.add("-c");
                command.add("write -q -s " + file.toAbsolutePath() + " " + run.offset() + " " + run.length());
            }
            command.add(overlay.toAbsolutePath().toString());
            ToolResult result;
            try {
                result = runner.run(command);
            } catch (ToolException e) {
                throw new LaunchException("cannot write into the overlay " + overlay + ": " + e.getMessage()
                        + " (the sandbox image needs qemu-io, Debian package qemu-utils)");
            }
            if (!result.ok() || !result.stderr().isBlank()) {
                throw new LaunchException("writing " + batch.size() + " run(s) into the overlay " + overlay
                        + " failed: " + result.describe());
            }
        }
    }

    private static Path stage(Path source, ByteRange run, Path file, Path overlay) throws LaunchException {
        try (FileChannel from = FileChannel.open(source, StandardOpenOption.READ);
                FileChannel to = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long copied = 0;
            while (copied < run.length()) {
                long n = from.transferTo(run.offset() + copied, run.length() - copied, to);
                if (n <= 0) {
                    throw new IOException(source + " ends before byte " + run.end());
                }
                copied += n;
            }
            return file;
        } catch (IOException e) {
            throw new LaunchException("cannot stage bytes " + run.offset() + ".." + run.end() + " of " + source
                    + " for the overlay " + overlay + ": " + e.getMessage());
        }
    }
}
