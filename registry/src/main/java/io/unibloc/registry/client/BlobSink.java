package io.unibloc.registry.client;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

/**
 * Where {@link RegistryClient#downloadBlob} puts a blob's bytes: the engine's content store, or memory for small
 * blobs ({@link MemoryBlobSink}). A sink checks what it received against the digest it was opened for; the client
 * resumes a broken transfer from {@link #written()}, starts over after {@link #reset()}, and calls {@link #complete}
 * once the bytes are all there. Not thread-safe: one sink belongs to one download.
 */
public interface BlobSink {

    /** Bytes accepted so far; a resumed download asks the server for the rest from here. */
    long written();

    /** Forgets what was written (a server ignored a Range request and sends the whole blob again). */
    void reset();

    /**
     * Copies {@code in} to its end, reporting each chunk's length to {@code onBytes}. An {@link IOException} of the
     * stream (a broken download) propagates with everything read so far kept. Returns the bytes copied.
     */
    long transferFrom(InputStream in, LongConsumer onBytes) throws IOException;

    /**
     * Verifies size and digest and keeps the blob; {@code source} names where it came from in errors (a mirror or
     * the registry). A mismatch discards the bytes and throws, leaving the sink ready to be filled again.
     */
    void complete(String source);
}
