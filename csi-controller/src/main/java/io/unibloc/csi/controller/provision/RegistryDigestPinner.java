package io.unibloc.csi.controller.provision;

import io.unibloc.blockstore.registry.ImageReference;
import io.unibloc.blockstore.registry.RegistryClient;
import io.unibloc.blockstore.registry.RegistryCredentials;

/**
 * Pins through the block store's registry client (the controller keeps no store). {@code oci:} layout
 * references name a directory on some node, which the controller cannot read: they pass through
 * unpinned and the node plugin pins them.
 */
public final class RegistryDigestPinner implements ImagePinner, AutoCloseable {
    private final RegistryClient client;

    public RegistryDigestPinner(RegistryClient client) {
        this.client = client;
    }

    @Override
    public ImageReference pin(ImageReference reference, RegistryCredentials credentials) {
        if (reference.digest() != null || reference.isLayout()) {
            return reference;
        }
        return reference.withDigest(client.resolve(reference, credentials));
    }

    @Override
    public void close() {
        client.close();
    }
}
