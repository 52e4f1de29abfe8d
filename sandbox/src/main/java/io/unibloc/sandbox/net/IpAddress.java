package io.unibloc.sandbox.net;

/**
 * An address configured on an interface.
 *
 * @param ipv6 {@code true} for an IPv6 address
 * @param address the address in its usual text form
 * @param prefix the prefix length
 * @param scope {@code global}, {@code link} or {@code host}, as iproute2 reports it
 */
public record IpAddress(boolean ipv6, String address, int prefix, String scope) {

    /** Link-local IPv6 addresses (fe80::/64) exist on every interface and mean nothing to a Pod's peers. */
    public boolean isGlobal() {
        return !"link".equals(scope) && !"host".equals(scope);
    }

    @Override
    public String toString() {
        return address + "/" + prefix;
    }
}
