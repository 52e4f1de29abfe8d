package io.unibloc.sandbox;

import io.unibloc.sandbox.accel.Accel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * How the sandbox runs guests, as opposed to what it runs (the boot spec).
 *
 * @param qemuBinary QEMU system emulator, a name on PATH or a path
 * @param firecrackerBinary Firecracker executable
 * @param cloudHypervisorBinary Cloud Hypervisor executable
 * @param accel force KVM or TCG for QEMU; {@code null} probes KVM once and falls back to TCG
 * @param stopGrace how long a guest has to power off after the power button before it is killed
 * @param kvmProbeTimeout how long the KVM probe guest may take
 * @param workRoot where per-boot work directories (extracted kernel, control socket) are created
 * @param kvmDevice the KVM device node
 */
public record SandboxOptions(
    String qemuBinary,
    String firecrackerBinary,
    String cloudHypervisorBinary,
    Accel accel,
    Duration stopGrace,
    Duration kvmProbeTimeout,
    Path workRoot,
    Path kvmDevice) {

  /** Environment variable forcing the accelerator: {@code kvm}, {@code tcg} or {@code auto}. */
  public static final String ENV_ACCEL = "UNIBLOC_ACCEL";
  /** Environment variable with the stop grace period in seconds. */
  public static final String ENV_STOP_GRACE = "UNIBLOC_STOP_GRACE_SECONDS";
  /** Environment variable naming the QEMU binary. */
  public static final String ENV_QEMU = "UNIBLOC_QEMU";

  /**
   * QEMU from PATH, KVM probed with a 3 s timeout, 20 s grace (inside Kubernetes' default 30 s termination
   * grace period, leaving time to kill), work directories in the system temp directory.
   */
  public static SandboxOptions defaults() {
    return new SandboxOptions("qemu-system-x86_64", "firecracker", "cloud-hypervisor", null,
        Duration.ofSeconds(20), Duration.ofSeconds(3), Path.of(System.getProperty("java.io.tmpdir")),
        Path.of("/dev/kvm"));
  }

  /**
   * The defaults overridden by {@value #ENV_ACCEL}, {@value #ENV_STOP_GRACE} and {@value #ENV_QEMU}.
   *
   * @throws IllegalArgumentException naming the variable when a value is not understood
   */
  public static SandboxOptions fromEnvironment(Map<String, String> env) {
    SandboxOptions options = defaults();
    String accel = env.get(ENV_ACCEL);
    if (accel != null && !accel.isBlank() && !accel.equalsIgnoreCase("auto")) {
      try {
        options = options.withAccel(Accel.parse(accel.strip()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(ENV_ACCEL + ": " + e.getMessage() + " or auto", e);
      }
    }
    String grace = env.get(ENV_STOP_GRACE);
    if (grace != null && !grace.isBlank()) {
      options = options.withStopGrace(parseSeconds(ENV_STOP_GRACE, grace.strip()));
    }
    String qemu = env.get(ENV_QEMU);
    if (qemu != null && !qemu.isBlank()) {
      options = options.withQemuBinary(qemu.strip());
    }
    return options;
  }

  /** Parses a whole number of seconds, 0 or more. @throws IllegalArgumentException naming {@code what} */
  public static Duration parseSeconds(String what, String value) {
    try {
      long seconds = Long.parseLong(value);
      if (seconds < 0) {
        throw new NumberFormatException();
      }
      return Duration.ofSeconds(seconds);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " must be a whole number of seconds, got \"" + value + "\"", e);
    }
  }

  public SandboxOptions withAccel(Accel value) {
    return new SandboxOptions(qemuBinary, firecrackerBinary, cloudHypervisorBinary, value, stopGrace,
        kvmProbeTimeout, workRoot, kvmDevice);
  }

  public SandboxOptions withStopGrace(Duration value) {
    return new SandboxOptions(qemuBinary, firecrackerBinary, cloudHypervisorBinary, accel, value,
        kvmProbeTimeout, workRoot, kvmDevice);
  }

  public SandboxOptions withQemuBinary(String value) {
    return new SandboxOptions(value, firecrackerBinary, cloudHypervisorBinary, accel, stopGrace,
        kvmProbeTimeout, workRoot, kvmDevice);
  }

  public SandboxOptions withWorkRoot(Path value) {
    return new SandboxOptions(qemuBinary, firecrackerBinary, cloudHypervisorBinary, accel, stopGrace,
        kvmProbeTimeout, value, kvmDevice);
  }

  public SandboxOptions withKvmProbe(Path device, Duration timeout) {
    return new SandboxOptions(qemuBinary, firecrackerBinary, cloudHypervisorBinary, accel, stopGrace,
        timeout, workRoot, device);
  }
}
