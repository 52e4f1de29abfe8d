package io.unibloc.sandbox.runtime;

import java.time.Duration;

/**
 * A boot's deadline for its first console output, and what to name in the error when it passes.
 *
 * @param deadline how long the guest may stay silent after the VMM started; {@link Duration#ZERO} disables
 *     the watchdog
 * @param accel {@code kvm} or {@code tcg}
 * @param machine the QEMU machine type, or the VMM's name for the others
 */
public record BootWatchdog(Duration deadline, String accel, String machine) {

    /** No deadline: the guest may stay silent for ever (tests of other behaviour; never a default). */
    public static BootWatchdog disabled(String accel, String machine) {
        return new BootWatchdog(Duration.ZERO, accel, machine);
    }

    public boolean enabled() {
        return !deadline.isZero() && !deadline.isNegative();
    }
}
