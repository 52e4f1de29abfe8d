package io.unibloc.sandbox.net;

import io.unibloc.sandbox.launch.GuestAddress;

/**
 * Everything about the Pod's network the guest needs to take it over.
 *
 * @param iface the Pod's interface
 * @param gateway4 the IPv4 default gateway, or {@code null} when there is no IPv4 default route
 * @param dns the Pod's resolver configuration
 * @param hostname the Pod's host name, or {@code null}
 */
public record PodNetwork(PodInterface iface, String gateway4, ResolvConf dns, String hostname) {

    /**
     * What the guest is told on its command line: the Pod's first IPv4 address, gateway, IPv4 DNS servers, host name
     * and first search domain.
     *
     * @throws IllegalStateException when the interface has no IPv4 address (check {@link PodInterface#ipv4()})
     */
    public GuestAddress guestAddress() {
        IpAddress ipv4 = iface.ipv4().orElseThrow(() -> new IllegalStateException(iface.name() + " has no IPv4"));
        return new GuestAddress(
                ipv4.address(),
                ipv4.prefix(),
                gateway4,
                dns.ipv4Nameservers(),
                hostname,
                dns.search().isEmpty() ? null : dns.search().get(0));
    }
}
