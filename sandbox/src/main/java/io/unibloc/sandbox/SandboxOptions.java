package io.unibloc.sandbox;

import io.unibloc.sandbox.accel.Accel;
import io.unibloc.sandbox.accel.KvmVerdict;
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
 * @param bootTimeout the node's boot deadline (time to the guest's first console output) for every accelerator;
 *     {@code null} means the per-accelerator defaults ({@link #DEFAULT_BOOT_TIMEOUT_KVM}, {@link
 *     #DEFAULT_BOOT_TIMEOUT_TCG}); a boot spec's {@code bootTimeoutSeconds} overrides it
 * @param kvmVerdictFile where this host remembers that KVM cannot run guests (see {@link KvmVerdict}), or
 *     {@code null} to remember nothing
 */
public record SandboxOptions(
        String qemuBinary,
        String firecrackerBinary,
        String cloudHypervisorBinary,
        Accel accel,
        Duration stopGrace,
        Duration kvmProbeTimeout,
        Path workRoot,
        Path kvmDevice,
        Duration bootTimeout,
        Path kvmVerdictFile) {

    /** Environment variable forcing the accelerator: {@code kvm}, {@code tcg} or {@code auto}. */
    public static final String ENV_ACCEL = "UNIBLOC_ACCEL";
    /** Environment variable with the stop grace period in seconds. */
    public static final String ENV_STOP_GRACE = "UNIBLOC_STOP_GRACE_SECONDS";
    /** Environment variable naming the QEMU binary. */
    public static final String ENV_QEMU = "UNIBLOC_QEMU";
    /** Environment variable with the node's boot deadline in seconds, for every accelerator ({@code 0}: none). */
    public static final String ENV_BOOT_TIMEOUT = "UNIBLOC_BOOT_TIMEOUT_SECONDS";
    /** Environment variable naming the file that remembers this host's "KVM unusable" verdict. */
    public static final String ENV_KVM_VERDICT_FILE = "UNIBLOC_KVM_VERDICT_FILE";
    /** A working KVM boots any guest to its first console line in well under a second. */
    public static final Duration DEFAULT_BOOT_TIMEOUT_KVM = Duration.ofSeconds(10);
    /** TCG is 10 to 50 times slower, and a busy host slows it further. */
    public static final Duration DEFAULT_BOOT_TIMEOUT_TCG = Duration.ofSeconds(60);

    /**
     * QEMU from PATH, KVM probed with a 3 s timeout, 20 s grace (inside Kubernetes' default 30 s termination
     * grace period, leaving time to kill), work directories in the system temp directory.
     */
    public static SandboxOptions defaults() {
        return new SandboxOptions(
                "qemu-system-x86_64",
                "firecracker",
                "cloud-hypervisor",
                null,
                Duration.ofSeconds(20),
                Duration.ofSeconds(3),
                Path.of(System.getProperty("java.io.tmpdir")),
                Path.of("/dev/kvm"),
                null,
                null);
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
        String bootTimeout = env.get(ENV_BOOT_TIMEOUT);
        if (bootTimeout != null && !bootTimeout.isBlank()) {
            options = options.withBootTimeout(parseSeconds(ENV_BOOT_TIMEOUT, bootTimeout.strip()));
        }
        String verdict = env.get(ENV_KVM_VERDICT_FILE);
        if (verdict != null && !verdict.isBlank()) {
            options = options.withKvmVerdictFile(Path.of(verdict.strip()));
        }
        return options;
    }

    /**
     * The boot deadline for a boot under {@code accel}: the spec's own value when set, else this node's, else
     * the accelerator's default. {@link Duration#ZERO} means no deadline.
     *
     * @param specSeconds the boot spec's {@code bootTimeoutSeconds}, or {@code null}
     */
    public Duration bootTimeoutFor(Accel accel, Integer specSeconds) {
        if (specSeconds != null) {
            return Duration.ofSeconds(specSeconds);
        }
        if (bootTimeout != null) {
            return bootTimeout;
        }
        return accel == Accel.KVM ? DEFAULT_BOOT_TIMEOUT_KVM : DEFAULT_BOOT_TIMEOUT_TCG;
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
        return new SandboxOptions(
                qemuBinary,
                firecrackerBinary,
                cloudHypervisorBinary,
                value,
                stopGrace,
                kvmProbeTimeout,
                workRoot,
                kvmDevice,
                bootTimeout,
                kvmVerdictFile);
    }

    public SandboxOptions withStopGrace(Duration value) {
        return new SandboxOptions(
                qemuBinary,
                firecrackerBinary,
                cloudHypervisorBinary,
                accel,
                value,
                kvmProbeTimeout,
                workRoot,
                kvmDevice,
                bootTimeout,
                kvmVerdictFile);
    }

    public SandboxOptions withQemuBinary(String value) {
        return new SandboxOptions(
                value,
                firecrackerBinary,
                cloudHypervisorBinary,
                accel,
                stopGrace,
                kvmProbeTimeout,
                workRoot,
                kvmDevice,
                bootTimeout,
                kvmVerdictFile);
    }

    public SandboxOptions withWorkRoot(Path value) {
        return new SandboxOptions(
                qemuBinary,
                firecrackerBinary,
                cloudHypervisorBinary,
                accel,
                stopGrace,
                kvmProbeTimeout,
                value,
                kvmDevice,
                bootTimeout,
                kvmVerdictFile);
    }

    public SandboxOptions withKvmProbe(Path device, Duration timeout) {
        return new SandboxOptions(
                qemuBinary,
                firecrackerBinary,
                cloudHypervisorBinary,
                accel,
                stopGrace,
                timeout,
                workRoot,
                device,
                bootTimeout,
                kvmVerdictFile);
    }

    public SandboxOptions withBootTimeout(Duration value) {
        return new SandboxOptions(
                qemuBinary,
                firecrackerBinary,
                cloudHypervisorBinary,
                accel,
                stopGrace,
                kvmProbeTimeout,
                workRoot,
                kvmDevice,
                value,
                kvmVerdictFile);
    }

    public SandboxOptions withKvmVerdictFile(Path value) {
        return new SandboxOptions(
                qemuBinary,
                firecrackerBinary,
                cloudHypervisorBinary,
                accel,
                stopGrace,
                kvmProbeTimeout,
                workRoot,
                kvmDevice,
                bootTimeout,
                value);
    }
}
