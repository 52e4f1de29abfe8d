package io.unibloc.sandbox.spec;

import java.util.List;

/**
 * The boot spec's {@code network} object: how the guest joins the Pod's network. A boot spec without it has
 * no NIC ({@code none}), as before networking existed.
 *
 * @param mode the data path; {@code null} means {@link NetworkMode#NONE}
 * @param ports the ports the guest serves (the UnikernelPod's {@code spec.ports}); never {@code null}
 */
public record NetworkSpec(NetworkMode mode, List<GuestPort> ports) {

    public NetworkSpec {
        ports = ports == null ? List.of() : List.copyOf(ports);
    }

    /** The mode, {@link NetworkMode#NONE} when unset. */
    public NetworkMode effectiveMode() {
        return mode == null ? NetworkMode.NONE : mode;
    }

    public static NetworkSpec none() {
        return new NetworkSpec(NetworkMode.NONE, List.of());
    }
}
