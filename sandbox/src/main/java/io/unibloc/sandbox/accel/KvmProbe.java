package io.unibloc.sandbox.accel;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides once whether guests can use KVM, by booting {@link LongModePayload} under {@code -accel kvm
 * -cpu host} (the settings real KVM boots use) and requiring its marker and exit code within a short
 * timeout. The payload does what real 64-bit guests do first (long mode with paging, FPU and SSE, interrupts
 * from the local APIC timer), because some hosts' KVM runs a trivial 32-bit guest and then hangs every real
 * one. Any other outcome (no device, no permission, QEMU aborting, a hang, a crash) means TCG, and one
 * warning line says why. The answer is cached for the life of this object; create one per process.
 *
 * <p>With a {@link KvmVerdict}, a remembered "KVM unusable" skips the probe, and a probe that ran its guest
 * and failed, or a later {@link #reject}, is remembered there.
 */
public final class KvmProbe {

    private static final Logger LOG = LoggerFactory.getLogger(KvmProbe.class);
    private static final String MARKER = "unibloc-kvm-probe-ok";
    private static final int PROBE_CODE = 42;
    /** How every failure of the probe guest itself (not of the device or QEMU) starts; those are remembered. */
    /** What QEMU prints when KVM cannot run an instruction of the guest (then it stops the guest, silently). */
    private static final String KVM_INTERNAL_ERROR = "KVM internal error";

    private static final Duration POLL = Duration.ofMillis(20);
    private static final String GUEST_FAILED = "the 64-bit probe guest (long mode, SSE, APIC timer) ";

    /** The outcome: which accelerator to use, why, and how long deciding took. */
    public record Decision(Accel accel, String reason, Duration took) {}

    private final String qemuBinary;
    private final Path kvmDevice;
    private final Duration timeout;
    private final KvmVerdict verdict;
    private Decision decision;

    /**
     * @param qemuBinary the QEMU system emulator to probe with
     * @param kvmDevice normally {@code /dev/kvm}
     * @param timeout how long the probe guest may take; a working KVM needs well under a second
     */
    public KvmProbe(String qemuBinary, Path kvmDevice, Duration timeout) {
        this(qemuBinary, kvmDevice, timeout, null);
    }

    /**
     * @param verdict where this host's "KVM unusable" verdict is remembered, or {@code null} to remember nothing
     */
    public KvmProbe(String qemuBinary, Path kvmDevice, Duration timeout, KvmVerdict verdict) {
        this.qemuBinary = qemuBinary;
        this.kvmDevice = kvmDevice;
        this.timeout = timeout;
        this.verdict = verdict;
    }

    /**
     * Overrides a KVM decision after a real guest proved KVM unusable (a boot watchdog tripped under KVM before
     * any output): later {@link #decide} calls answer TCG, and the verdict file, if any, remembers it.
     */
    public synchronized void reject(String reason) {
        decision = new Decision(Accel.TCG, reason, decision == null ? Duration.ZERO : decision.took());
        LOG.warn("KVM unusable ({}); guests run under TCG software emulation from now on", reason);
        if (verdict != null) {
            verdict.recordKvmUnusable(reason);
        }
    }

    /** Probes on the first call and returns the cached decision afterwards. Never throws. */
    public synchronized Decision decide() {
        if (decision == null) {
            long start = System.nanoTime();
            String failure = probe();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            if (failure == null) {
                decision = new Decision(Accel.KVM, "probe guest ran under KVM", took);
                LOG.info("KVM usable: probe guest finished under KVM in {} ms", took.toMillis());
            } else {
                decision = new Decision(Accel.TCG, failure, took);
                LOG.warn("KVM unusable ({}); guests run under TCG software emulation, many times slower", failure);
            }
        }
        return decision;
    }

    /** @return {@code null} when KVM works, otherwise why not */
    private String probe() {
        if (!Files.exists(kvmDevice)) {
            return kvmDevice + " does not exist";
        }
        if (!Files.isReadable(kvmDevice) || !Files.isWritable(kvmDevice)) {
            return "no read/write access to " + kvmDevice;
        }
        if (verdict != null) {
            String remembered = verdict.kvmUnusable().orElse(null);
            if (remembered != null) {
                return remembered + " (remembered in " + verdict.file() + "; delete it to probe again)";
            }
        }
        String failure = runProbeGuest();
        if (failure != null && verdict != null && failure.startsWith(GUEST_FAILED)) {
            verdict.recordKvmUnusable(failure);
        }
        return failure;
    }

    /**
     * Boots the payload under KVM. Polls rather than waits, so that QEMU's "KVM internal error" (after which
     * QEMU stops the guest and sits silent until killed) ends the probe at once instead of at the timeout.
     */
    private String runProbeGuest() {
        List<Path> temp = new ArrayList<>();
        Process process = null;
        try {
            Path payload = track(temp, Files.createTempFile("unibloc-kvm-probe-", ".bin"));
            Path stdout = track(temp, Files.createTempFile("unibloc-kvm-probe-", ".out"));
            Path stderr = track(temp, Files.createTempFile("unibloc-kvm-probe-", ".err"));
            Files.write(payload, LongModePayload.printAndExit(MARKER + "\n", PROBE_CODE));
            process = new ProcessBuilder(command(payload))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .start();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!process.waitFor(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
                String said = read(stderr);
                if (said.contains(KVM_INTERNAL_ERROR)) {
                    return GUEST_FAILED + "made QEMU report \"" + firstLineWith(said, KVM_INTERNAL_ERROR)
                            + "\" under KVM";
                }
                if (System.nanoTime() > deadline) {
                    return GUEST_FAILED + "did not finish within " + timeout.toMillis() + " ms under KVM";
                }
            }
            int expected = (PROBE_CODE << 1) | 1;
            if (process.exitValue() == expected && read(stdout).contains(MARKER)) {
                return null;
            }
            String said = read(stderr).strip().replace('\n', ' ');
            return GUEST_FAILED + "ended with status " + process.exitValue() + " instead of " + expected
                    + (said.isEmpty() ? "" : ": " + abbreviate(said));
        } catch (IOException e) {
            return "cannot run the probe guest: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while probing KVM";
        } finally {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
                try {
                    process.waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            for (Path file : temp) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a leftover temp file of a few bytes is harmless
                }
            }
        }
    }

    private static Path track(List<Path> temp, Path file) {
        temp.add(file);
        return file;
    }

    /** QEMU's output as Latin-1: register dumps are ASCII, and a stray byte must not fail the probe. */
    private static String read(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    }

    private static String firstLineWith(String text, String needle) {
        return text.lines()
                .filter(line -> line.contains(needle))
                .findFirst()
                .orElse(needle)
                .strip();
    }

    List<String> command(Path payload) {
        return List.of(
                qemuBinary,
                "-M",
                "microvm",
                "-accel",
                "kvm",
                "-cpu",
                "host",
                "-m",
                "16",
                "-nodefaults",
                "-no-user-config",
                "-nographic",
                "-serial",
                "stdio",
                "-no-reboot",
                "-kernel",
                payload.toString(),
                "-device",
                "isa-debug-exit,iobase=0x" + Integer.toHexString(MultibootPayload.DEBUG_EXIT_PORT) + ",iosize=0x01");
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
