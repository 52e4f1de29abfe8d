package io.unibloc.blockstore.image;

import io.unibloc.blockstore.content.BlobWriter;
import io.unibloc.registry.auth.RegistryCredentials;
import io.unibloc.registry.client.ManifestResponse;
import io.unibloc.registry.client.RegistryClient;
import io.unibloc.registry.ref.Digest;
import io.unibloc.registry.ref.ImageReference;
import java.util.function.LongConsumer;

/** A repository on a registry (through its mirrors first). */
record RegistrySource(RegistryClient client, ImageReference ref, RegistryCredentials credentials)
        implements ImageSource {

    @Override
    public String describe() {
        return "registry " + ref.registry() + " repository " + ref.repository();
    }

    @Override
    public String metricTag() {
        return ref.registry();
    }

    @Override
    public ManifestResponse top() {
        return client.getManifest(ref, ref.manifestKey(), credentials);
    }

    @Override
    public Digest resolve() {
        return client.resolve(ref, credentials);
    }

    @Override
    public ManifestResponse manifest(Digest digest) {
        return client.getManifest(ref, digest.toString(), credentials);
    }

    @Override
    public void fetchBlob(Digest digest, long size, BlobWriter writer, LongConsumer onBytes) {
        client.downloadBlob(ref, digest, size, writer, credentials, onBytes);
    }
}
