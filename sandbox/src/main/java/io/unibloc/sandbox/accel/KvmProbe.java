package io.unibloc.sandbox.accel;

import io.unibloc.sandbox.tool.ProcessRunner;
import io.unibloc.sandbox.tool.ToolException;
import io.unibloc.sandbox.tool.ToolResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

  private String runProbeGuest() {
    Path payload = null;
    try {
      payload = Files.createTempFile("unibloc-kvm-probe-", ".bin");
      Files.write(payload, LongModePayload.printAndExit(MARKER + "\n", PROBE_CODE));
      ToolResult result = new ProcessRunner(timeout).run(command(payload));
      int expected = (PROBE_CODE << 1) | 1;
      if (result.exitCode() == expected && result.stdout().contains(MARKER)) {
        return null;
      }
      String said = result.stderr().strip().replace('\n', ' ');
      return GUEST_FAILED + "ended with status " + result.exitCode() + " instead of " + expected
          + (said.isEmpty() ? "" : ": " + abbreviate(said));
    } catch (ToolException e) {
      return e.getMessage().contains("did not finish") ? GUEST_FAILED + "did not finish within "
          + timeout.toMillis() + " ms under KVM" : e.getMessage();
    } catch (IOException e) {
      return "cannot write the probe guest: " + e.getMessage();
    } finally {
      if (payload != null) {
        try {
          Files.deleteIfExists(payload);
        } catch (IOException ignored) {
          // a leftover temp file of a few bytes is harmless
        }
      }
    }
  }

  List<String> command(Path payload) {
    return List.of(qemuBinary,
        "-M", "microvm",
        "-accel", "kvm",
        "-cpu", "host",
        "-m", "16",
        "-nodefaults", "-no-user-config", "-nographic", "-serial", "stdio", "-no-reboot",
        "-kernel", payload.toString(),
        "-device", "isa-debug-exit,iobase=0x" + Integer.toHexString(MultibootPayload.DEBUG_EXIT_PORT)
            + ",iosize=0x01");
  }

  private static String abbreviate(String text) {
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }
}
