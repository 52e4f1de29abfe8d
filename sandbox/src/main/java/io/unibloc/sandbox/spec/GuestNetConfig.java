package io.unibloc.sandbox.spec;

/**
 * How a networked guest learns its address, the image label {@value ImageMetadata#NET} ({@code cmdline|dhcp|none}).
 * Unset, each guest kind has its default: Linux and Unikraft read kernel parameters ({@code cmdline}); Solo5 and
 * Multiboot kernels get nothing ({@code none}), because no one parameter syntax is common to them.
 *
 * <ul>
 *   <li>{@code cmdline}: the sandbox writes the Pod's address, gateway and DNS servers into the kernel command line
 *       in the syntax of the guest kind ({@code ip=} for Linux, {@code netdev.ip=} for Unikraft).
 *   <li>{@code dhcp}: the guest asks by DHCP; only {@code passt} answers (it has a DHCP server built in), so
 *       {@code tap} with {@code dhcp} is refused.
 *   <li>{@code none}: nothing is passed; the guest configures itself (or was built with a fixed address). A kernel
 *       built without Unikraft's parameter library, which would take every word as an argument, needs this.
 * </ul>
 */
public enum GuestNetConfig implements WireName {
    CMDLINE("cmdline"),
    DHCP("dhcp"),
    NONE("none");

    private final String wireName;

    GuestNetConfig(String wireName) {
        this.wireName = wireName;
    }

    @Override
    public String wireName() {
        return wireName;
    }

    /** @throws InvalidBootSpecException for a name that is not a method, listing the accepted names */
    public static GuestNetConfig fromWireName(String name) {
        return WireName.parse(values(), "guest network config", name);
    }

    /** What {@code guest} uses when neither the spec nor the image says: see the class comment. */
    public static GuestNetConfig defaultFor(GuestKind guest) {
        return switch (guest) {
            case LINUX, UNIKRAFT -> CMDLINE;
            case SOLO5, MULTIBOOT -> NONE;
        };
    }
}
