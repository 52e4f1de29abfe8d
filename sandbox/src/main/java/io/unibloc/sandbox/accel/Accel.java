package io.unibloc.sandbox.accel;

/** How QEMU executes guest code: hardware virtualisation, or the Tiny Code Generator (software emulation). */
public enum Accel {
    KVM,
    TCG;

    /** Parses {@code kvm}/{@code tcg} in any case. @throws IllegalArgumentException naming the accepted values */
    public static Accel parse(String value) {
        for (Accel accel : values()) {
            if (accel.name().equalsIgnoreCase(value)) {
                return accel;
            }
        }
        throw new IllegalArgumentException("unknown accelerator \"" + value + "\"; expected kvm or tcg");
    }
}
