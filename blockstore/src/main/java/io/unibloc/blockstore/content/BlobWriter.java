package io.unibloc.blockstore.content;

import io.unibloc.blockstore.lock.KeyedLocks;
import io.unibloc.registry.client.BlobSink;
import io.unibloc.registry.ref.Digest;
import io.unibloc.registry.ref.Sha256;
import io.unibloc.types.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.function.LongConsumer;

/**
 * Writes one blob into the {@link ContentStore}: bytes are hashed as they arrive and go to a temporary
 * file next to their final name; {@link #commit()} checks size and digest, fsyncs and renames. Holding a
 * writer means holding the digest's lock (threads and processes): a concurrent writer of the same
 * digest waits, then finds the blob {@link #alreadyPresent() present}. A writer closed without commit
 * leaves nothing behind; a failed commit discards the bytes and the writer may be filled again from
 * another source. Not thread-safe: one writer belongs to one download.
 */
public final class BlobWriter implements BlobSink, AutoCloseable {
    private final ContentStore store;
    private final Digest expected;
    private final long expectedSize;
    private final String source;
    private final KeyedLocks.Held lock;
    private final boolean alreadyPresent;
    private Path temp;
    private FileChannel channel;
    private MessageDigest hasher;
    private long written;
    private boolean done;
    private boolean closed;

    BlobWriter(
            ContentStore store,
            Digest expected,
            long expectedSize,
            String source,
            KeyedLocks.Held lock,
            boolean alreadyPresent) {
        this.store = store;
        this.expected = expected;
        this.expectedSize = expectedSize;
        this.source = source;
        this.lock = lock;
        this.alreadyPresent = alreadyPresent;
        this.hasher = Sha256.newDigest();
    }

    public Digest digest() {
        return expected;
    }

    /** The declared size, or -1 when unknown. */
    public long expectedSize() {
        return expectedSize;
    }

    /** True when the blob was already stored by the time the lock was taken: write nothing, just close. */
    public boolean alreadyPresent() {
        return alreadyPresent;
    }

    /** Bytes accepted so far; a resumed download asks the server for the rest from here. */
    @Override
    public long written() {
        return written;
    }

    /** Appends bytes; more than the declared size is INVALID_ARGUMENT (and nothing is kept). */
    public void write(byte[] buf, int off, int len) {
        checkOpen();
        if (expectedSize >= 0 && written + len > expectedSize) {
            abort();
            throw StoreException.invalid(
                    "blob " + expected + " from " + source + ": more than the declared " + expectedSize + " bytes");
        }
        try {
            if (channel == null) {
                temp = store.newTempFile(expected);
                channel = FileChannel.open(temp, java.nio.file.StandardOpenOption.WRITE);
            }
            ByteBuffer bb = ByteBuffer.wrap(buf, off, len);
            while (bb.hasRemaining()) {
                channel.write(bb);
            }
        } catch (IOException e) {
            abort();
            throw StoreException.internal("blob " + expected + ": cannot write temporary file in " + store.root(), e);
        }
        hasher.update(buf, off, len);
        written += len;
    }

    /**
     * Copies {@code in} to its end. An {@link IOException} of the stream (a broken download) propagates
     * with everything read so far kept, so the caller can resume from {@link #written()}.
     */
    @Override
    public long transferFrom(InputStream in, LongConsumer onBytes) throws IOException {
        byte[] buf = new byte[1 << 16];
        long total = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
            if (n == 0) {
                continue;
            }
            write(buf, 0, n);
            total += n;
            onBytes.accept(n);
        }
        return total;
    }

    /** Forgets what was written (a server ignored our Range request and sends the whole blob again). */
    @Override
    public void reset() {
        checkOpen();
        try {
            if (channel != null) {
                channel.truncate(0);
                channel.position(0);
            }
        } catch (IOException e) {
            abort();
            throw StoreException.internal("blob " + expected + ": cannot truncate temporary file", e);
        }
        hasher = Sha256.newDigest();
        written = 0;
    }

    /**
     * Verifies size and digest, then makes the blob visible atomically. A mismatch is INVALID_ARGUMENT
     * naming the blob and its source; the bytes are discarded. Returns the blob's path.
     */
    public Path commit() {
        return commit(source);
    }

    /** As {@link #commit(String)}: the registry client's last step of a download. */
    @Override
    public void complete(String from) {
        commit(from);
    }

    /** As {@link #commit()}, naming {@code from} (e.g. a mirror) as the source in errors. */
    public Path commit(String from) {
        checkOpen();
        if (expectedSize >= 0 && written != expectedSize) {
            abort();
            throw StoreException.invalid("blob " + expected + " from " + from + ": got " + written + " bytes, expected "
                    + expectedSize + " (truncated)");
        }
        Digest actual = Sha256.finish(hasher);
        if (!actual.equals(expected)) {
            abort();
            throw StoreException.invalid("blob " + expected + " from " + from + ": content has digest " + actual + " ("
                    + written + " bytes); the download was corrupted or the registry is lying");
        }
        try {
            if (channel == null) { // the empty blob
                temp = store.newTempFile(expected);
                channel = FileChannel.open(temp, java.nio.file.StandardOpenOption.WRITE);
            }
            channel.force(true);
            channel.close();
            channel = null;
            Path path = store.publish(temp, expected);
            temp = null;
            done = true;
            return path;
        } catch (IOException e) {
            abort();
            throw StoreException.internal("blob " + expected + ": cannot store it in " + store.root(), e);
        }
    }

    private void checkOpen() {
        if (done || closed) {
            throw new IllegalStateException("blob writer for " + expected + " is closed");
        }
        if (alreadyPresent) {
            throw new IllegalStateException("blob " + expected + " is already present; nothing to write");
        }
    }

    /** Discards what was written; the writer stays usable (another source may be tried). */
    private void abort() {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // the temp file is deleted below either way
        }
        channel = null;
        try {
            if (temp != null) {
                Files.deleteIfExists(temp);
            }
        } catch (IOException ignored) {
            // sweepTemps removes what a failed delete leaves
        }
        temp = null;
        hasher = Sha256.newDigest();
        written = 0;
    }

    /** Releases the digest lock; an uncommitted temporary file is deleted. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!done) {
            abort();
        }
        lock.close();
    }
}
