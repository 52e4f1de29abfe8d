package io.unibloc.operator.idle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU time and resident memory of a process and its descendants, read from /proc: utime + stime of
 * {@code /proc/PID/stat} (fields 14 and 15, in clock ticks of 1/100 s) and {@code VmRSS} of {@code /proc/PID/status}.
 * Descendants are found through {@code /proc/PID/task/TID/children}, so the sandbox JVM and the QEMU it started are
 * measured apart and together.
 */
final class ProcessCpu {
    /** USER_HZ: the unit of utime and stime; 100 on every Linux the project runs on. */
    static final long TICKS_PER_SECOND = 100;

    private ProcessCpu() {}

    /** utime + stime in milliseconds; 0 when the process is gone. */
    static long cpuMillis(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // After "pid (comm) ", field 3 (state) is f[0]; utime (14) is f[11], stime (15) is f[12].
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return ticks * 1000 / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** VmRSS in KiB; 0 when the process is gone. */
    static long rssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return 0;
    }

    /**
     * Resident KiB outside the mappings of exactly {@code sizeKib} (the guest's RAM, one anonymous mapping of the
     * guest's size in QEMU), from {@code /proc/PID/smaps}: what the VMM itself holds; -1 when unreadable.
     */
    static long rssKibOutsideMappingsOf(long pid, long sizeKib) {
        try {
            long total = 0;
            long size = -1;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps"))) {
                if (line.startsWith("Size:")) {
                    size = Long.parseLong(line.replaceAll("[^0-9]", ""));
                } else if (line.startsWith("Rss:") && size != sizeKib) {
                    total += Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return total;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Direct and indirect children. */
    static List<Long> descendants(long pid) {
        List<Long> out = new ArrayList<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                String children = Files.readString(task.resolve("children")).trim();
                if (children.isEmpty()) {
                    continue;
                }
                for (String child : children.split("\\s+")) {
                    long c = Long.parseLong(child);
                    out.add(c);
                    out.addAll(descendants(c));
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return out;
    }

    static String command(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm"))
                    .trim();
        } catch (IOException e) {
            return "?";
        }
    }
}
