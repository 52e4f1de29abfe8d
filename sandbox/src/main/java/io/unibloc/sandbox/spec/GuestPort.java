package io.unibloc.sandbox.spec;

/**
 * A port the guest serves, as a container port: {@code passt} forwards it from the Pod's address to the guest,
 * and {@code tap} needs no list (every packet crosses to the guest).
 *
 * @param port the port number, 1 to 65535
 * @param protocol {@code TCP} or {@code UDP}; {@code null} means {@code TCP}
 */
public record GuestPort(int port, String protocol) {

    public static final String TCP = "TCP";
    public static final String UDP = "UDP";

    public GuestPort {
        if (port < 1 || port > 65535) {
            throw new InvalidBootSpecException("network.ports: port must be 1 to 65535, got " + port);
        }
        if (protocol == null) {
            protocol = TCP;
        } else if (!protocol.equals(TCP) && !protocol.equals(UDP)) {
            throw new InvalidBootSpecException(
                    "network.ports: protocol must be TCP or UDP, got \"" + protocol + "\" for port " + port);
        }
    }
}
