package io.unibloc.sandbox.net;

import io.unibloc.sandbox.spec.GuestPort;

/**
 * A host port forwarded to a guest port by passt, for local runs ({@code unibloc run -p 8080:80}): passt listens on
 * {@code hostAddress:hostPort} and connects to the guest's {@code guestPort}. In a Pod the ports are the guest's own
 * ({@link GuestPort}) on the Pod's address instead.
 *
 * @param hostAddress the address passt binds, e.g. {@code 127.0.0.1}
 * @param hostPort 1 to 65535
 * @param guestPort 1 to 65535
 * @param protocol {@link GuestPort#TCP} or {@link GuestPort#UDP}
 */
public record PublishedPort(String hostAddress, int hostPort, int guestPort, String protocol) {

    public PublishedPort {
        new GuestPort(guestPort, protocol); // validates the guest side
        if (hostPort < 1 || hostPort > 65535) {
            throw new IllegalArgumentException("host port must be 1 to 65535, got " + hostPort);
        }
    }

    /**
     * Parses {@code HOSTPORT:GUESTPORT[/tcp|/udp]}, bound to 127.0.0.1.
     *
     * @throws IllegalArgumentException naming the value
     */
    public static PublishedPort parse(String value) {
        String spec = value.strip();
        String protocol = GuestPort.TCP;
        int slash = spec.indexOf('/');
        if (slash >= 0) {
            String proto = spec.substring(slash + 1).toLowerCase(java.util.Locale.ROOT);
            if (!proto.equals("tcp") && !proto.equals("udp")) {
                throw new IllegalArgumentException("-p " + value + ": protocol must be tcp or udp");
            }
            protocol = proto.equals("udp") ? GuestPort.UDP : GuestPort.TCP;
            spec = spec.substring(0, slash);
        }
        String[] parts = spec.split(":");
        try {
            if (parts.length != 2) {
                throw new NumberFormatException();
            }
            return new PublishedPort("127.0.0.1", Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), protocol);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-p " + value + ": expected HOSTPORT:GUESTPORT[/tcp|/udp]", e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("-p " + value + ": " + e.getMessage(), e);
        }
    }

    /** passt's forwarding spec: {@code 127.0.0.1/8080:80}. */
    String passtSpec() {
        return hostAddress + "/" + hostPort + ":" + guestPort;
    }
}
