package io.unibloc.csi.node.kvm;

import io.unibloc.sandbox.accel.Accel;
import io.unibloc.sandbox.accel.KvmProbe;
import io.unibloc.sandbox.accel.KvmVerdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Decides whether this node offers KVM. {@code auto} boots the sandbox's probe guest under {@code -accel kvm}
 * (a {@code /dev/kvm} that exists is no proof: some hosts hang every real guest), unless the node's verdict file
 * already says KVM cannot run guests; {@code true}/{@code false} override the probe for nodes where QEMU is not
 * installed next to the plugin.
 */
public final class KvmAvailability {
    private KvmAvailability() {}

    /** Decides with the sandbox's real probe, which records a failed probe guest in {@code verdict}. */
    public static KvmState decide(
            String mode, String qemuBinary, Path kvmDevice, Duration timeout, KvmVerdict verdict) {
        return decide(mode, kvmDevice, verdict, () -> new KvmProbe(qemuBinary, kvmDevice, timeout, verdict).decide());
    }

    /**
     * Decides with {@code probe} standing for the probe guest; the device and the verdict are checked first, so
     * that the condition's reason says which of them ruled KVM out.
     */
    public static KvmState decide(String mode, Path kvmDevice, KvmVerdict verdict, Supplier<KvmProbe.Decision> probe) {
        switch (mode == null ? "auto" : mode.toLowerCase(Locale.ROOT)) {
            case "true" -> {
                return new KvmState(true, KvmState.Reason.Forced, "forced by --kvm=true", Duration.ZERO);
            }
            case "false" -> {
                return new KvmState(false, KvmState.Reason.Forced, "forced by --kvm=false", Duration.ZERO);
            }
            case "auto" -> {
                if (!Files.exists(kvmDevice)) {
                    return new KvmState(false, KvmState.Reason.NoDevice, kvmDevice + " does not exist", Duration.ZERO);
                }
                if (!Files.isReadable(kvmDevice) || !Files.isWritable(kvmDevice)) {
                    return new KvmState(
                            false, KvmState.Reason.NoDevice, "no read/write access to " + kvmDevice, Duration.ZERO);
                }
                Optional<String> remembered = verdict == null ? Optional.empty() : verdict.kvmUnusable();
                if (remembered.isPresent()) {
                    return new KvmState(
                            false,
                            KvmState.Reason.VerdictRemembered,
                            remembered.get() + " (remembered in " + verdict.file()
                                    + "; delete it and restart the node plugin to probe again)",
                            Duration.ZERO);
                }
                KvmProbe.Decision decision = probe.get();
                return decision.accel() == Accel.KVM
                        ? new KvmState(true, KvmState.Reason.ProbePassed, decision.reason(), decision.took())
                        : new KvmState(false, KvmState.Reason.ProbeFailed, decision.reason(), decision.took());
            }
            default -> throw new IllegalArgumentException("--kvm must be auto, true or false, not '" + mode + "'");
        }
    }
}
