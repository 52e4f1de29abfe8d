package io.unibloc.blockstore.volumes;

import io.unibloc.blockstore.StoreException;
import io.unibloc.blockstore.fs.Exec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Loop devices: attach and detach through util-linux {@code losetup} ({@code --find --show} lets the
 * kernel pick a free device atomically), lookups through sysfs. Attachments are never recorded by the
 * store: the kernel's view is the truth, so they are found again after a restart.
 */
public final class LoopDevices {
    private static final Path SYS_BLOCK = Path.of("/sys/block");
    private static final String DELETED = " (deleted)";

    /** Attaches {@code file}; returns the device path, e.g. {@code /dev/loop3}. */
    public String attach(Path file, boolean readOnly, boolean directIo) {
        List<String> command = new ArrayList<>(List.of("losetup", "--find", "--show"));
        if (readOnly) {
            command.add("--read-only");
        }
        if (directIo) {
            command.add("--direct-io=on");
        }
        command.add(file.toString());
        Exec.Result result = Exec.run(command);
        if (!result.ok()) {
            throw StoreException.unavailable("cannot attach " + file + " to a loop device: " + result.output(), null);
        }
        return result.stdout().strip();
    }

    public void detach(String device) {
        Exec.Result result = Exec.run(List.of("losetup", "--detach", device));
        if (!result.ok() && !result.output().contains("No such device")) {
            throw StoreException.internal("cannot detach " + device + ": " + result.output(), null);
        }
    }

    /**
     * Every loop device with its backing file, read from sysfs ({@code /sys/block/loopN/loop/backing_file}):
     * no process per call, which keeps attach and listing at a millisecond or two.
     */
    public Map<String, List<String>> byBackingFile() {
        Map<String, List<String>> devices = new HashMap<>();
        try (java.util.stream.Stream<Path> blocks = java.nio.file.Files.list(SYS_BLOCK)) {
            for (Path block : blocks.filter(p -> p.getFileName().toString().startsWith("loop")).toList()) {
                Path backingFile = block.resolve("loop/backing_file");
                String backing;
                try {
                    backing = java.nio.file.Files.readString(backingFile).strip();
                } catch (IOException e) {
                    continue; // not attached, or detached while we looked
                }
                if (backing.endsWith(DELETED)) {
                    backing = backing.substring(0, backing.length() - DELETED.length());
                }
                devices.computeIfAbsent(backing, k -> new ArrayList<>()).add("/dev/" + block.getFileName());
            }
        } catch (IOException e) {
            throw StoreException.internal("cannot list loop devices in " + SYS_BLOCK + ": " + e.getMessage(), e);
        }
        devices.values().forEach(list -> list.sort(null));
        return devices;
    }

    /** The devices backed by {@code file} (normally none or one). */
    public List<String> devicesOf(Path file) {
        return byBackingFile().getOrDefault(file.toAbsolutePath().normalize().toString(), List.of());
    }
}
