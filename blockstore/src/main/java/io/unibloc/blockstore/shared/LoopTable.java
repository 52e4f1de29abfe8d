package io.unibloc.blockstore.shared;

import io.unibloc.blockstore.StoreException;
import io.unibloc.blockstore.volumes.LoopDevices;
import io.unibloc.blockstore.volumes.LoopDevices.FileId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A snapshot of the node's attached loop devices read from sysfs: the kernel's view is the only record of
 * which volume devices exist (each backed by its volume's link), so a restarted process finds them all again.
 */
final class LoopTable {
    private static final String DELETED = " (deleted)";

    /**
     * One attached loop device. {@code number} is its {@code major:minor}; {@code backing} the device and inode of
     * its backing file as the kernel holds them (empty when the device node cannot be opened here).
     */
    record Loop(
            String device,
            String number,
            String backingFile,
            boolean readOnly,
            boolean directIo,
            Optional<FileId> backing) {}

    private final Path sysBlock;

    LoopTable(Path sysBlock) {
        this.sysBlock = sysBlock;
    }

    LoopTable() {
        this(Path.of("/sys/block"));
    }

    List<Loop> read() {
        List<Loop> loops = new ArrayList<>();
        try (Stream<Path> blocks = Files.list(sysBlock)) {
            for (Path block : blocks.filter(p -> p.getFileName().toString().startsWith("loop"))
                    .sorted()
                    .toList()) {
                try {
                    String backing =
                            Files.readString(block.resolve("loop/backing_file")).strip();
                    if (backing.endsWith(DELETED)) {
                        backing = backing.substring(0, backing.length() - DELETED.length());
                    }
                    String device = "/dev/" + block.getFileName();
                    loops.add(new Loop(
                            device,
                            Files.readString(block.resolve("dev")).strip(),
                            backing,
                            "1".equals(Files.readString(block.resolve("ro")).strip()),
                            "1"
                                    .equals(Files.readString(block.resolve("loop/dio"))
                                            .strip()),
                            LoopDevices.backingId(device)));
                } catch (IOException e) {
                    // not attached, or detached while we looked
                }
            }
        } catch (IOException e) {
            throw StoreException.internal("cannot list loop devices in " + sysBlock + ": " + e.getMessage(), e);
        }
        return loops;
    }
}
