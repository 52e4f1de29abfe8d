package io.unibloc.sandbox.launch;

import io.unibloc.sandbox.tool.ProcessRunner;
import io.unibloc.sandbox.tool.ToolException;
import io.unibloc.sandbox.tool.ToolResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The copy-on-write overlay of an ephemeral root ({@code unibloc.io/write-mode: ephemeral}): a qcow2 file whose
 * backing file is the read-only root device, so the guest's writes land in the overlay (in the Pod's scratch
 * space, bounded by its size limit) and never on the device, which every guest of the image shares. A fresh
 * overlay per boot: the writes of an earlier boot are discarded, as the write mode promises.
 */
public final class RootOverlay {

    private final ProcessRunner runner;
    private final String qemuImg;

    public RootOverlay(ProcessRunner runner, String qemuImg) {
        this.runner = runner;
        this.qemuImg = qemuImg;
    }

    public RootOverlay(ProcessRunner runner) {
        this(runner, "qemu-img");
    }

    /**
     * Creates {@code overlay} backed by {@code device} (raw), replacing an overlay a previous boot left.
     *
     * @throws LaunchException naming the overlay when qemu-img is missing or fails
     */
    public Path create(Path device, Path overlay) throws LaunchException {
        try {
            Path parent = overlay.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.deleteIfExists(overlay);
        } catch (IOException e) {
            throw new LaunchException("cannot prepare the root overlay " + overlay + ": " + e.getMessage());
        }
        ToolResult result;
        try {
            result = runner.run(List.of(
                    qemuImg,
                    "create",
                    "-q",
                    "-f",
                    "qcow2",
                    "-F",
                    "raw",
                    "-b",
                    device.toAbsolutePath().toString(),
                    overlay.toAbsolutePath().toString()));
        } catch (ToolException e) {
            throw new LaunchException("cannot create the root overlay " + overlay + " for an ephemeral root: "
                    + e.getMessage() + " (the sandbox image needs qemu-img, Debian package qemu-utils)");
        }
        if (!result.ok()) {
            throw new LaunchException(
                    "cannot create the root overlay " + overlay + " on " + device + ": " + result.describe());
        }
        return overlay;
    }

    /** Removes the overlay (the guest's writes) once the guest has ended; nothing to do when it is gone. */
    public static void delete(Path overlay) {
        try {
            Files.deleteIfExists(overlay);
        } catch (IOException e) {
            // the Pod's emptyDir goes with the Pod; a leftover is replaced at the next boot
        }
    }
}
