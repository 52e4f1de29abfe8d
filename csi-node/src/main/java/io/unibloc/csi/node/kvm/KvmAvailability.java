package io.unibloc.csi.node.kvm;

import io.unibloc.sandbox.accel.Accel;
import io.unibloc.sandbox.accel.KvmProbe;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Decides whether this node offers KVM. {@code auto} boots the sandbox's probe guest under {@code -accel kvm}
 * (a {@code /dev/kvm} that exists is no proof: some hosts hang every real guest); {@code true}/{@code false}
 * override the probe for nodes where QEMU is not installed next to the plugin.
 */
public final class KvmAvailability {
    /** How the answer was reached, for logs and the NodeStore. */
    public record Answer(boolean usable, String reason) {}

    private KvmAvailability() {}

    public static Answer decide(String mode, String qemuBinary, Path kvmDevice, Duration timeout) {
        switch (mode == null ? "auto" : mode.toLowerCase(Locale.ROOT)) {
            case "true" -> {
                return new Answer(true, "forced by --kvm=true");
            }
            case "false" -> {
                return new Answer(false, "forced by --kvm=false");
            }
            case "auto" -> {
                KvmProbe.Decision decision = new KvmProbe(qemuBinary, kvmDevice, timeout).decide();
                return new Answer(decision.accel() == Accel.KVM, decision.reason());
            }
            default -> throw new IllegalArgumentException("--kvm must be auto, true or false, not '" + mode + "'");
        }
    }
}
