package io.unibloc.sandbox.launch;

/**
 * What the launch needs to know about a guest's network: its NIC and, when the guest is told its address on the
 * command line, the address.
 *
 * @param nic the NIC and its host end
 * @param address what the kernel parameters carry, or {@code null} when the guest configures itself (DHCP) or is
 *     told nothing
 */
public record GuestNetwork(GuestNic nic, GuestAddress address) {}
