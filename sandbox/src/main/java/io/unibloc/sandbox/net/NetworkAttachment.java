package io.unibloc.sandbox.net;

import io.unibloc.sandbox.launch.GuestNetwork;

/**
 * The host end of one guest's NIC, ready before the VMM starts. {@link #close()} removes everything the data path
 * made (tap, TC qdiscs and filters, passt process); it is idempotent and never throws, because it runs when the
 * guest has already ended.
 */
public interface NetworkAttachment extends AutoCloseable {

    /** The NIC for the VMM and the address for the guest's command line. */
    GuestNetwork guest();

    @Override
    void close();
}
