package io.unibloc.sandbox.runtime;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * How long this process has run and how much CPU it has used, read from {@code /proc}: the launcher's own start-up
 * cost, logged when the VMM starts. {@link ProcessHandle.Info#startInstant()} is no use for this: it adds the boot
 * time from {@code /proc/stat}, which Linux gives in whole seconds, so it is off by up to a second. Here the start
 * is compared with {@code /proc/uptime} on the same clock (10 ms resolution), and CPU is the sum of every
 * thread's scheduler run time (nanoseconds). Linux only; elsewhere both are empty.
 */
public final class ProcessClock {

    /** USER_HZ: the unit of /proc/PID/stat's times, 100 on every Linux architecture the sandbox runs on. */
    private static final int TICKS_PER_SECOND = 100;

    private ProcessClock() {}

    /** Milliseconds since this process was started (for a container's launcher: since its entrypoint started). */
    public static OptionalLong millisSinceStart() {
        try {
            String uptime = Files.readString(Path.of("/proc/uptime"));
            double now = Double.parseDouble(uptime.substring(0, uptime.indexOf(' ')));
            long startTicks = Long.parseLong(statField(Files.readString(Path.of("/proc/self/stat")), 22));
            return OptionalLong.of(Math.round(now * 1000) - startTicks * 1000 / TICKS_PER_SECOND);
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** CPU time (user and system) of this process's live threads so far, in milliseconds. */
    public static OptionalLong cpuMillis() {
        long nanos = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    String schedstat = Files.readString(task.resolve("schedstat"));
                    nanos += Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
                } catch (IOException e) {
                    // the thread ended while we looked
                }
            }
            return OptionalLong.of(nanos / 1_000_000);
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** Field {@code n} (1-based, as in proc(5)) of a stat line; the command name may hold spaces and parentheses. */
    static String statField(String stat, int n) {
        String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return rest[n - 3];
    }
}
