package io.unibloc.csi.node.kvm;

import java.time.Duration;

/**
 * What this node's guests run under, and why: the source of the node labels, the NodeStore condition
 * {@code KvmUsable} and the device plugin's answers.
 *
 * @param usable whether guests get {@code /dev/kvm}
 * @param reason how the answer was reached (the condition's reason)
 * @param message a sentence saying why (the probe's reason, the verdict's reason)
 * @param probeTook how long deciding took ({@link Duration#ZERO} when nothing was booted)
 */
public record KvmState(boolean usable, Reason reason, String message, Duration probeTook) {
    /** The NodeStore condition's reasons. */
    public enum Reason {
        /** The probe guest ran under KVM. */
        ProbePassed,
        /** No {@code /dev/kvm}, or no read/write access to it. */
        NoDevice,
        /** The probe guest failed under KVM. */
        ProbeFailed,
        /** The node's verdict file said KVM cannot run guests (recorded under this host kernel). */
        VerdictRemembered,
        /** A sandbox on this node tripped its boot watchdog under KVM and recorded the verdict. */
        GuestFellBack,
        /** {@code --kvm=true|false}: the administrator decided. */
        Forced
    }

    /** {@code kvm} or {@code tcg}: the value of the node label {@code unibloc.io/accel}. */
    public String accel() {
        return usable ? "kvm" : "tcg";
    }
}
