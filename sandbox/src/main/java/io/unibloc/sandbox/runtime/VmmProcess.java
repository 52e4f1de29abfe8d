package io.unibloc.sandbox.runtime;

import io.unibloc.sandbox.accel.Accel;
import io.unibloc.sandbox.launch.CommandLine;
import io.unibloc.types.Vmm;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VMM child process of one boot. Its stdout is the guest console, split into lines for the {@link
 * Console}; its stderr goes to the log and is kept (last lines) to explain failures.
 *
 * <p>A {@link BootWatchdog} bounds the boot: a guest that writes nothing to its console within the deadline
 * is killed and ends as {@link GuestExit.BootTimeout}. The first console byte completes {@link
 * #firstOutput()}, the evidence that the guest runs.
 *
 * <p>The VMM starts through {@code setsid} when available, so a terminal's Ctrl-C reaches only the
 * sandbox, which then shuts the guest down gracefully instead of QEMU dying on the signal.
 */
public final class VmmProcess implements RunningGuest {

    private static final Logger LOG = LoggerFactory.getLogger(VmmProcess.class);
    private static final int STDERR_LINES_KEPT =
            40; // a KVM internal error dump is ~25 lines; its first says what failed
    private static final int CONSOLE_BYTES_KEPT = 200;
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    /** QEMU warns about the fw_cfg entry that silences SeaBIOS on the console (see QemuCommand); expected. */
    private static final String QUIET_WARNING = "etc/sercon-port";
    /**
     * JVM shutdown hooks start together in no set order, so a launcher's own hook may call {@link #stop} just
     * after the orphan guard looked; the guard waits this long for such a stop before it kills.
     */
    static final Duration STOP_REQUEST_WINDOW = Duration.ofMillis(500);

    private final Vmm vmm;
    private final Accel accel;
    private final BootWatchdog watchdog;
    private final Process process;
    private final VmmControl control;
    private final Runnable cleanup;
    private final long startedNanos;
    private final Thread stdoutPump;
    private final Thread stderrPump;
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    /** Completed by the first {@link #stop} with its grace period and deadline; the orphan guard honours it. */
    private final CompletableFuture<StopRequest> stopRequest = new CompletableFuture<>();

    private volatile String killReason;
    private volatile long firstLineNanos = -1;
    private final CompletableFuture<BootEvidence> firstOutput = new CompletableFuture<>();
    /** The last console bytes, for the watchdog's error (a guest may print half a line and hang). */
    private final Deque<Byte> consoleTail = new ArrayDeque<>();

    private volatile boolean bootTimedOut;
    /** The VMM runs in its own session, so nothing else ends it if this JVM exits first. */
    private final Thread orphanGuard = new Thread(this::guardAgainstOrphan, "vmm-orphan-guard");

    private RunResult result;

    private VmmProcess(
            Vmm vmm,
            Accel accel,
            BootWatchdog watchdog,
            Process process,
            VmmControl control,
            Console console,
            Runnable cleanup,
            long startedNanos) {
        this.vmm = vmm;
        this.accel = accel;
        this.watchdog = watchdog;
        this.process = process;
        this.control = control;
        this.cleanup = cleanup;
        this.startedNanos = startedNanos;
        this.stdoutPump = pump(
                process.getInputStream(),
                this::consoleBytes,
                line -> {
                    if (firstLineNanos < 0) {
                        firstLineNanos = System.nanoTime();
                        LOG.info("first console line after {} ms", (firstLineNanos - startedNanos) / 1_000_000);
                    }
                    try {
                        console.line(line);
                    } catch (RuntimeException e) {
                        LOG.warn("console consumer failed on a line: {}", e.toString());
                    }
                },
                "vmm-console");
        this.stderrPump = pump(
                process.getErrorStream(),
                (buffer, length) -> {},
                line -> {
                    synchronized (stderrTail) {
                        stderrTail.addLast(line);
                        if (stderrTail.size() > STDERR_LINES_KEPT) {
                            stderrTail.removeFirst();
                        }
                    }
                    if (line.contains(QUIET_WARNING)) {
                        LOG.debug("{}: {}", vmm.id(), line);
                    } else {
                        LOG.info("{}: {}", vmm.id(), line);
                    }
                },
                "vmm-stderr");
    }

    /**
     * Writes the command's files, starts the VMM and begins streaming its console.
     *
     * @param cleanup runs once after the VMM exited (removes the boot's work directory)
     * @throws IOException when the files cannot be written or the VMM cannot be started (not installed)
     */
    public static VmmProcess start(
            CommandLine command, Vmm vmm, Accel accel, VmmControl control, Console console, Runnable cleanup)
            throws IOException {
        String accelName = vmm == Vmm.QEMU ? accel.name().toLowerCase(Locale.ROOT) : "kvm";
        return start(command, vmm, accel, BootWatchdog.disabled(accelName, vmm.id()), control, console, cleanup);
    }

    /**
     * As {@link #start(CommandLine, Vmm, Accel, VmmControl, Console, Runnable)}, with a boot watchdog.
     *
     * @param watchdog the deadline for the guest's first console output
     */
    public static VmmProcess start(
            CommandLine command,
            Vmm vmm,
            Accel accel,
            BootWatchdog watchdog,
            VmmControl control,
            Console console,
            Runnable cleanup)
            throws IOException {
        for (var file : command.files().entrySet()) {
            Files.writeString(file.getKey(), file.getValue(), StandardCharsets.UTF_8);
        }
        List<String> argv = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            argv.add(SETSID.toString());
        }
        argv.addAll(command.argv());
        ProcessBuilder builder =
                new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        long started = System.nanoTime();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IOException(
                    "cannot start " + command.argv().get(0) + " (is it installed?): " + e.getMessage(), e);
        }
        logStartUpCost(System.nanoTime() - started);
        VmmProcess guest = new VmmProcess(vmm, accel, watchdog, process, control, console, cleanup, started);
        Runtime.getRuntime().addShutdownHook(guest.orphanGuard);
        control.vmmStarted(process.toHandle());
        if (watchdog.enabled()) {
            daemon("vmm-boot-watchdog", guest::watchBoot);
        }
        return guest;
    }

    /**
     * The launcher's own start-up cost, measured once the VMM runs (start() returns after the exec) and logged after
     * it, so that measuring adds nothing to the path it measures: time from process start to the exec, CPU until then.
     */
    private static void logStartUpCost(long spawnNanos) {
        long sinceStart = ProcessClock.millisSinceStart().orElse(-1);
        long cpu = ProcessClock.cpuMillis().orElse(-1);
        if (sinceStart >= 0) {
            LOG.info(
                    "vmm exec {} ms after JVM start (counted from the process start, entrypoint included; spawning took {} ms),"
                            + " launcher CPU {} ms",
                    sinceStart,
                    spawnNanos / 1_000_000,
                    cpu);
        }
    }

    /** Completes with the evidence that the guest runs (its first console output); never if it stays silent. */
    @Override
    public CompletableFuture<BootEvidence> firstOutput() {
        return firstOutput;
    }

    /** The watchdog's body: kill a VMM whose guest printed nothing by the deadline, unless it is being stopped. */
    private void watchBoot() {
        try {
            if (firstOutput.isDone()) {
                return;
            }
            firstOutput.get(watchdog.deadline().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            if (process.isAlive() && !stopRequested.get() && !firstOutput.isDone()) {
                bootTimedOut = true;
                LOG.warn(
                        "boot watchdog: no console output within {} ms under accel={} machine={}; killing {}",
                        watchdog.deadline().toMillis(),
                        watchdog.accel(),
                        watchdog.machine(),
                        vmm.id());
                kill("boot watchdog: no console output within "
                        + watchdog.deadline().toMillis() + " ms");
            }
        } catch (ExecutionException e) {
            // never completed exceptionally
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void consoleBytes(byte[] buffer, int length) {
        if (!firstOutput.isDone()) {
            Duration after = Duration.ofNanos(System.nanoTime() - startedNanos);
            firstOutput.complete(new BootEvidence(watchdog.accel(), watchdog.machine(), after));
        }
        synchronized (consoleTail) {
            for (int i = 0; i < length; i++) {
                consoleTail.addLast(buffer[i]);
                if (consoleTail.size() > CONSOLE_BYTES_KEPT) {
                    consoleTail.removeFirst();
                }
            }
        }
    }

    /** The kept console bytes, printable ASCII as is and everything else escaped. */
    private String consoleTail() {
        StringBuilder out = new StringBuilder();
        synchronized (consoleTail) {
            for (byte b : consoleTail) {
                int c = b & 0xff;
                if (c >= 0x20 && c < 0x7f && c != '\\') {
                    out.append((char) c);
                } else if (c == '\n') {
                    out.append("\\n");
                } else {
                    out.append(String.format("\\x%02x", c));
                }
            }
        }
        return out.toString();
    }

    /** What this VMM runs its guest under. */
    public Accel accel() {
        return accel;
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void stop(Duration grace) {
        if (!process.isAlive() || !stopRequested.compareAndSet(false, true)) {
            return;
        }
        stopRequest.complete(new StopRequest(grace, System.nanoTime() + grace.toNanos()));
        // Two threads: pressing may block (a control socket that is slow to appear) and must not delay the kill.
        daemon("vmm-power-button", () -> {
            try {
                control.pressPowerButton();
                LOG.info("pressed the guest's power button; waiting up to {} ms", grace.toMillis());
            } catch (IOException e) {
                if (process.isAlive()) {
                    LOG.warn(
                            "cannot press the guest's power button ({}); killing after the grace period",
                            e.getMessage());
                }
            }
        });
        daemon("vmm-grace", () -> {
            try {
                if (process.waitFor(grace.toNanos(), TimeUnit.NANOSECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (process.isAlive()) {
                LOG.warn("guest did not power off within {} ms; killing {}", grace.toMillis(), vmm.id());
                kill(graceExpired(grace));
            }
        });
    }

    private static void daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void kill() {
        kill("killed on request");
    }

    private static String graceExpired(Duration grace) {
        return "the guest did not power off within " + grace.toMillis() + " ms of the power button";
    }

    /**
     * The shutdown hook's body: a VMM must not outlive this JVM. Hooks run concurrently, so a launcher's hook
     * that called {@link #stop} (power button, kill after the grace) would lose its graceful shutdown if this
     * killed at once. So: with a stop requested (now or within {@link #STOP_REQUEST_WINDOW}), wait until the
     * VMM exits or that stop's deadline passes, then kill; with none, kill after the window. Never blocks
     * beyond {@code max(window, stop deadline)}, so it cannot hang the JVM's exit. Package-private for tests.
     */
    void guardAgainstOrphan() {
        if (!process.isAlive()) {
            return;
        }
        StopRequest stop = awaitStopRequest();
        if (stop == null) {
            if (process.isAlive()) {
                LOG.warn("JVM exiting with no stop requested; killing {} pid={}", vmm.id(), process.pid());
                kill("the sandbox's JVM exited while the guest ran");
            }
            return;
        }
        long remaining = stop.deadlineNanos() - System.nanoTime();
        try {
            if (remaining > 0 && process.waitFor(remaining, TimeUnit.NANOSECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kill(graceExpired(stop.grace()));
    }

    /** The stop request, if one exists or arrives within the window while the VMM runs; else null. */
    private StopRequest awaitStopRequest() {
        try {
            CompletableFuture.anyOf(stopRequest, process.onExit())
                    .get(STOP_REQUEST_WINDOW.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // no stop asked for in time: fall through to the kill
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return stopRequest.getNow(null);
    }

    /** A requested stop: how long the guest may take to power off, and when that time is up. */
    private record StopRequest(Duration grace, long deadlineNanos) {}

    private void kill(String reason) {
        if (process.isAlive()) {
            if (killReason == null) {
                killReason = reason;
            }
            process.destroyForcibly();
        }
    }

    @Override
    public synchronized RunResult awaitExit() throws InterruptedException {
        if (result != null) {
            return result;
        }
        int status;
        try {
            status = process.waitFor();
        } catch (InterruptedException e) {
            kill("the thread waiting for the guest was interrupted");
            throw e;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(orphanGuard);
        } catch (IllegalStateException e) {
            // the JVM is shutting down; the guard finds the VMM gone
        }
        long ended = System.nanoTime();
        stdoutPump.join();
        stderrPump.join();
        List<String> stderr;
        synchronized (stderrTail) {
            stderr = List.copyOf(stderrTail);
        }
        GuestExit exit = bootTimedOut
                ? new GuestExit.BootTimeout(
                        watchdog.accel(), watchdog.machine(), watchdog.deadline(), consoleTail(), firstError(stderr))
                : ExitMapper.map(vmm, status, killReason, control.shutdownReason(), stderr);
        control.close();
        try {
            cleanup.run();
        } catch (RuntimeException e) {
            LOG.warn("cleanup after the guest failed: {}", e.toString());
        }
        Duration firstLine = firstLineNanos < 0 ? null : Duration.ofNanos(firstLineNanos - startedNanos);
        result = new RunResult(exit, accel, Duration.ofNanos(ended - startedNanos), firstLine);
        LOG.info(
                "{} (status {}) after {} ms",
                exit.describe(),
                status,
                result.runtime().toMillis());
        return result;
    }

    /** The first stderr line that names an error (QEMU's "KVM internal error" precedes a register dump), else the last. */
    private static String firstError(List<String> stderr) {
        for (String line : stderr) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.contains("error") && !lower.contains("warning:")) {
                return line.strip();
            }
        }
        return ExitMapper.lastError(stderr);
    }

    /** Sees each chunk of raw bytes a pump reads, before it is split into lines. */
    @FunctionalInterface
    private interface BytesListener {
        void read(byte[] buffer, int length);
    }

    /**
     * Reads a stream to its end, handing each chunk to {@code bytes} and each line (see {@link LineSplitter}) to
     * {@code sink}.
     */
    private static Thread pump(InputStream stream, BytesListener bytes, Consumer<String> sink, String name) {
        Thread thread = new Thread(
                () -> {
                    LineSplitter lines = new LineSplitter(sink);
                    byte[] buffer = new byte[8192];
                    try (stream) {
                        int n;
                        while ((n = stream.read(buffer)) > 0) {
                            bytes.read(buffer, n);
                            lines.feed(buffer, 0, n);
                        }
                    } catch (IOException e) {
                        // the VMM is gone; deliver what there is
                    }
                    lines.finish();
                },
                name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
