package io.unibloc.cli.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The host's side of a read: page cache (Cached + Buffers of {@code /proc/meminfo}) and the bytes read
 * from block devices ({@code /sys/class/block/<dev>/stat}, field 3 in 512-byte sectors).
 */
final class HostIo {
    private HostIo() {}

    /** Page cache in bytes: Cached + Buffers. */
    static long pageCacheBytes() {
        try {
            long kib = 0;
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("Cached:") || line.startsWith("Buffers:")) {
                    kib += Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return kib * 1024;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/meminfo", e);
        }
    }

    /** Bytes read from {@code device} (e.g. {@code loop0}, {@code vda}) since boot. */
    static long readBytes(String device) {
        try {
            String[] fields = Files.readString(Path.of("/sys/class/block", device, "stat"))
                    .strip()
                    .split("\\s+");
            return Long.parseLong(fields[2]) * 512;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the I/O counters of " + device, e);
        }
    }

    /** Writes dirty pages back and empties the page cache, so that the next reads come from the disk. */
    static void dropCaches() {
        Proc.run("sync");
        try {
            Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot drop caches (root needed)", e);
        }
    }

    /**
     * The block device under the filesystem holding {@code path}: {@code findmnt}'s source, reduced to its
     * kernel name ({@code /dev/loop0} → {@code loop0}). For the xfs-loop backend that is the store's loop
     * device, whose reads are what the store asks of the disk.
     */
    static String deviceUnder(Path path) {
        String source = Proc.run(List.of("findmnt", "-n", "-o", "SOURCE", "--target", path.toString()))
                .strip();
        String name = Path.of(source.replaceAll("\\[.*\\]$", "")).getFileName().toString();
        if (!Files.exists(Path.of("/sys/class/block", name, "stat"))) {
            throw new IllegalStateException("no block device statistics for " + source + " (under " + path + ")");
        }
        return name;
    }

    /** Bytes of {@code files} resident in the page cache now ({@code fincore}). */
    static long residentBytes(List<Path> files) {
        long total = 0;
        for (int i = 0; i < files.size(); i += 200) {
            List<String> command =
                    new ArrayList<>(List.of("fincore", "--bytes", "--noheadings", "--raw", "--output", "RES"));
            files.subList(i, Math.min(files.size(), i + 200)).forEach(f -> command.add(f.toString()));
            for (String line : Proc.run(command).split("\n")) {
                if (!line.isBlank()) {
                    total += Long.parseLong(line.strip());
                }
            }
        }
        return total;
    }
}
