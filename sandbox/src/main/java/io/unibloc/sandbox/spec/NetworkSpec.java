package io.unibloc.sandbox.spec;

import io.unibloc.types.NetworkMode;
import java.util.List;

/**
 * The boot spec's {@code network} object: how the guest joins the Pod's network. A boot spec without it has
 * no NIC ({@code none}), as before networking existed.
 *
 * @param mode the data path; {@code null} means {@link NetworkMode#NONE}
 * @param ports the ports the guest serves (the UnikernelPod's {@code spec.ports}); never {@code null}
 * @param guestConfig how the guest learns its address; {@code null} means the guest kind's default (see {@link
 *     GuestNetConfig}), which the image label {@value ImageMetadata#NET} overrides
 */
public record NetworkSpec(NetworkMode mode, List<GuestPort> ports, GuestNetConfig guestConfig) {

    public NetworkSpec {
        ports = ports == null ? List.of() : List.copyOf(ports);
    }

    /** A spec that leaves the guest's address configuration to the guest kind's default. */
    public NetworkSpec(NetworkMode mode, List<GuestPort> ports) {
        this(mode, ports, null);
    }

    /** The mode, {@link NetworkMode#NONE} when unset. */
    public NetworkMode effectiveMode() {
        return mode == null ? NetworkMode.NONE : mode;
    }

    /** How a guest of kind {@code guest} learns its address: the spec's choice, else the kind's default. */
    public GuestNetConfig effectiveGuestConfig(GuestKind guest) {
        return guestConfig == null ? GuestNetConfig.defaultFor(guest) : guestConfig;
    }

    public NetworkSpec withGuestConfig(GuestNetConfig value) {
        return new NetworkSpec(mode, ports, value);
    }

    public static NetworkSpec none() {
        return new NetworkSpec(NetworkMode.NONE, List.of());
    }
}
