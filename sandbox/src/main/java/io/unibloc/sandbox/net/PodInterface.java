package io.unibloc.sandbox.net;

import java.util.List;
import java.util.Optional;

/**
 * The Pod's network interface as the CNI plugin left it.
 *
 * @param name the interface name ({@code eth0} in a Pod)
 * @param mac its MAC address; the guest NIC takes it in {@code tap} mode, so anti-spoofing CNIs see the MAC they
 *     expect
 * @param mtu its MTU
 * @param addresses every address on it, IPv4 and IPv6, in the order iproute2 lists them
 */
public record PodInterface(String name, String mac, int mtu, List<IpAddress> addresses) {

    public PodInterface {
        addresses = List.copyOf(addresses);
    }

    /** The first IPv4 address, the one the guest takes. */
    public Optional<IpAddress> ipv4() {
        return addresses.stream().filter(a -> !a.ipv6()).findFirst();
    }

    /** The IPv6 addresses other than link-local ones. */
    public List<IpAddress> globalIpv6() {
        return addresses.stream().filter(a -> a.ipv6() && a.isGlobal()).toList();
    }
}
