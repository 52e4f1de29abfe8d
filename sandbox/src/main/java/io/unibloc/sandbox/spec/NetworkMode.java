package io.unibloc.sandbox.spec;

/**
 * How the guest reaches the Pod's network. The operator resolves {@code auto} before it writes a boot spec for a
 * Pod; the sandbox resolves it only when run by hand (CLI, tests).
 *
 * <ul>
 *   <li>{@code tap}: a tap device in the Pod's network namespace, mirrored to and from {@code eth0} with TC
 *       ingress redirects; the guest NIC takes eth0's MAC and MTU and the guest owns the Pod's address. Needs
 *       {@code /dev/net/tun} and CAP_NET_ADMIN in the Pod's own network namespace.
 *   <li>{@code passt}: a passt process in the Pod's network namespace connected to QEMU over a UNIX stream
 *       socket; the guest still sees the Pod's address, no capability or device needed.
 *   <li>{@code none}: no NIC (the guest only has its console and disks).
 *   <li>{@code auto}: {@code tap} where the sandbox may use it, otherwise {@code passt}.
 * </ul>
 */
public enum NetworkMode implements WireName {
    AUTO("auto"),
    TAP("tap"),
    PASST("passt"),
    NONE("none");

    private final String wireName;

    NetworkMode(String wireName) {
        this.wireName = wireName;
    }

    @Override
    public String wireName() {
        return wireName;
    }

    /** @throws InvalidBootSpecException for a name that is not a mode, listing the accepted names */
    public static NetworkMode fromWireName(String name) {
        return WireName.parse(values(), "network mode", name);
    }
}
