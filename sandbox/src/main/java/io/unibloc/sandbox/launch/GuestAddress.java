package io.unibloc.sandbox.launch;

import java.util.List;

/**
 * The IPv4 configuration a guest is told on its command line: the Pod's own address, so that the guest answers on
 * the Pod IP.
 *
 * @param address dotted IPv4 address, e.g. {@code 10.244.1.7}
 * @param prefix prefix length, 0 to 32
 * @param gateway dotted IPv4 default gateway, or {@code null} when the Pod has no default route
 * @param dns DNS server addresses (IPv4 only; the kernel parameters carry at most two), possibly empty
 * @param hostname the Pod's host name, or {@code null}
 * @param domain the first DNS search domain, or {@code null}
 */
public record GuestAddress(
        String address, int prefix, String gateway, List<String> dns, String hostname, String domain) {

    public GuestAddress {
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("IPv4 prefix must be 0 to 32, got " + prefix);
        }
        dns = List.copyOf(dns);
    }

    /** The prefix as a dotted netmask ({@code 24} is {@code 255.255.255.0}). */
    public String netmask() {
        long mask = prefix == 0 ? 0 : (0xffffffffL << (32 - prefix)) & 0xffffffffL;
        return ((mask >> 24) & 0xff) + "." + ((mask >> 16) & 0xff) + "." + ((mask >> 8) & 0xff) + "." + (mask & 0xff);
    }
}
