package io.unibloc.sandbox.launch;

import java.nio.file.Path;

/**
 * The guest's network card and the host end it is plugged into. The sandbox's {@code net} package makes the host
 * end (a tap device, a passt socket); {@link QemuCommand} turns this into {@code -netdev} and {@code -device}.
 */
public sealed interface GuestNic {

    /** The NIC's MAC address, {@code null} for QEMU's default. */
    String mac();

    /** The MTU the device advertises to the guest ({@code host_mtu}), {@code 0} for the driver's default 1500. */
    int mtu();

    /**
     * A tap device in the sandbox's network namespace.
     *
     * @param ifname the tap's name
     * @param vhost whether {@code /dev/vhost-net} moves packets in the kernel instead of QEMU's main loop
     */
    record Tap(String ifname, boolean vhost, String mac, int mtu) implements GuestNic {}

    /**
     * A UNIX stream socket whose other end is a user-space network stack (passt): QEMU 7.2's {@code -netdev stream}.
     *
     * @param socket the socket path passt listens on
     */
    record Stream(Path socket, String mac, int mtu) implements GuestNic {}
}
