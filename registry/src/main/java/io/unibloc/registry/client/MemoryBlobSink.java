package io.unibloc.registry.client;

import io.unibloc.registry.RegistryException;
import io.unibloc.registry.ref.Digest;
import io.unibloc.registry.ref.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.function.LongConsumer;

/**
 * A small blob (an image config) downloaded into memory and verified, for callers that keep no content store,
 * such as the operator reading an image's labels. Refuses more than {@code maxBytes}, so a hostile registry cannot
 * make it buffer a layer.
 */
public final class MemoryBlobSink implements BlobSink {
    private final Digest expected;
    private final int maxBytes;
    private ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private MessageDigest hasher = Sha256.newDigest();
    private byte[] committed;

    public MemoryBlobSink(Digest expected, int maxBytes) {
        this.expected = expected;
        this.maxBytes = maxBytes;
    }

    @Override
    public long written() {
        return bytes.size();
    }

    @Override
    public void reset() {
        bytes = new ByteArrayOutputStream();
        hasher = Sha256.newDigest();
    }

    @Override
    public long transferFrom(InputStream in, LongConsumer onBytes) throws IOException {
        byte[] buf = new byte[8192];
        long total = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
            if (bytes.size() + n > maxBytes) {
                reset();
                throw RegistryException.invalid("blob " + expected + " is larger than " + maxBytes + " bytes");
            }
            bytes.write(buf, 0, n);
            hasher.update(buf, 0, n);
            onBytes.accept(n);
            total += n;
        }
        return total;
    }

    @Override
    public void complete(String source) {
        Digest actual = Sha256.finish(hasher);
        if (!actual.equals(expected)) {
            int size = bytes.size();
            reset();
            throw RegistryException.invalid("blob " + expected + " from " + source + ": content has digest " + actual
                    + " (" + size + " bytes); the download was corrupted or the registry is lying");
        }
        committed = bytes.toByteArray();
    }

    /** The verified bytes; only after {@link #complete}. */
    public byte[] bytes() {
        if (committed == null) {
            throw new IllegalStateException("blob " + expected + " was not committed");
        }
        return committed.clone();
    }
}
