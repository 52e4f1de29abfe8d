package io.unibloc.sandbox.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real loop device over an image file, detached on close (tests run as root). */
final class LoopDevice implements AutoCloseable {

    private final Path device;

    private LoopDevice(Path device) {
        this.device = device;
    }

    /** {@code losetup --find --show [--read-only] IMAGE}. */
    static LoopDevice attach(Path image, boolean readOnly) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("losetup", "--find", "--show"));
        if (readOnly) {
            command.add("--read-only");
        }
        command.add(image.toString());
        return new LoopDevice(Path.of(run(command).strip()));
    }

    Path path() {
        return device;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run(List.of("losetup", "-d", device.toString()));
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("`" + String.join(" ", command) + "` failed: " + output.strip());
        }
        return output;
    }
}
