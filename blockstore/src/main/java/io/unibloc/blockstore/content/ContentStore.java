package io.unibloc.blockstore.content;

import io.unibloc.blockstore.lock.KeyedLocks;
import io.unibloc.registry.RegistryException;
import io.unibloc.registry.ref.Digest;
import io.unibloc.registry.ref.Sha256;
import io.unibloc.types.StoreException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blobs by digest under {@code <root>/blobs/sha256/<hex>}. A blob appears at its final name only after
 * its bytes were verified against the digest, fsynced and atomically renamed from a temporary name
 * ({@code .tmp-<hex>-<random>} in the same directory), so a crash never leaves a served half-blob.
 * Per-digest lock files under {@code <root>/locks/} make concurrent writers of one digest (threads or
 * processes) wait for each other instead of downloading twice. A blob's last-used time is its mtime.
 *
 * <p>All methods are thread-safe. Errors: NOT_FOUND for a missing blob where one is required,
 * INVALID_ARGUMENT for content that does not match its digest or size, INTERNAL for I/O failures.
 */
public final class ContentStore {
    private static final Logger LOG = LoggerFactory.getLogger(ContentStore.class);
    private static final String TEMP_PREFIX = ".tmp-";
    /** Reads touch the last-used time at most this often, so hot blobs do not cost a write per read. */
    private static final Duration TOUCH_GRANULARITY = Duration.ofMinutes(1);

    private final Path root;
    private final Path blobDir;
    private final KeyedLocks locks;
    private final Duration lockTimeout;

    public ContentStore(Path root) {
        this(root, Duration.ofMinutes(30));
    }

    /** {@code lockTimeout}: how long a writer waits for another writer of the same digest. */
    public ContentStore(Path root, Duration lockTimeout) {
        this.root = root.toAbsolutePath().normalize();
        this.blobDir = this.root.resolve("blobs").resolve("sha256");
        this.lockTimeout = lockTimeout;
        try {
            Files.createDirectories(blobDir);
        } catch (IOException e) {
            throw StoreException.internal("cannot create content store at " + this.root, e);
        }
        this.locks = new KeyedLocks(this.root.resolve("locks"));
    }

    public Path root() {
        return root;
    }

    /** Where the blob lives when present (whether or not it is). */
    public Path blobPath(Digest digest) {
        return blobDir.resolve(digest.hex());
    }

    /** True when the blob is stored; does not count as a use. */
    public boolean contains(Digest digest) {
        return Files.isRegularFile(blobPath(digest));
    }

    /** The blob's path when stored, and marks it used (for LRU eviction). */
    public Optional<Path> find(Digest digest) {
        Path p = blobPath(digest);
        try {
            FileTime mtime = Files.getLastModifiedTime(p);
            Instant now = Instant.now();
            if (mtime.toInstant().plus(TOUCH_GRANULARITY).isBefore(now)) {
                Files.setLastModifiedTime(p, FileTime.from(now));
            }
            return Optional.of(p);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw StoreException.internal("cannot stat blob " + digest + " in " + root, e);
        }
    }

    /** Opens a stored blob. NOT_FOUND when absent. */
    public InputStream open(Digest digest) {
        Path p = find(digest)
                .orElseThrow(() -> StoreException.notFound("blob " + digest + " is not in the content store " + root));
        try {
            return Files.newInputStream(p);
        } catch (NoSuchFileException e) {
            throw StoreException.notFound("blob " + digest + " is not in the content store " + root);
        } catch (IOException e) {
            throw StoreException.internal("cannot open blob " + digest, e);
        }
    }

    /**
     * Reads a small blob (manifest, config) whole and checks it against its digest on the way, so a
     * blob damaged on disk is never parsed. NOT_FOUND when absent, INVALID_ARGUMENT when damaged.
     */
    public byte[] read(Digest digest) {
        byte[] bytes;
        try (InputStream in = open(digest)) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw StoreException.internal("cannot read blob " + digest, e);
        }
        Digest actual = Sha256.of(bytes);
        if (!actual.equals(digest)) {
            throw StoreException.invalid(
                    "blob " + digest + " in " + root + " is damaged on disk: it hashes to " + actual);
        }
        return bytes;
    }

    /**
     * Takes the lock of {@code expected} and returns a writer for it; when another writer held the lock
     * and stored the blob meanwhile, the writer reports {@link BlobWriter#alreadyPresent()}. The caller
     * must close the writer. {@code expectedSize} -1 means unknown; {@code source} names where the bytes
     * come from, for error messages.
     */
    public BlobWriter openWriter(Digest expected, long expectedSize, String source) {
        KeyedLocks.Held lock = locks.lock(expected.hex(), lockTimeout, "blob " + expected);
        return new BlobWriter(this, expected, expectedSize, source, lock, contains(expected));
    }

    /**
     * Stores a stream whose digest must be {@code expected} (and size {@code expectedSize}, -1 if
     * unknown). Idempotent: a present blob is returned without reading the stream. The caller closes it.
     */
    public Path ingest(Digest expected, long expectedSize, InputStream in) {
        try (BlobWriter w = openWriter(expected, expectedSize, "stream")) {
            if (w.alreadyPresent()) {
                return blobPath(expected);
            }
            w.transferFrom(in, n -> {});
            return w.commit();
        } catch (IOException e) {
            throw StoreException.invalid("blob " + expected + ": reading the source failed: " + e.getMessage());
        }
    }

    /** Stores bytes under their own digest and returns it (for manifests and configs we hold in memory). */
    public Digest put(byte[] content) {
        Digest d = Sha256.of(content);
        ingest(d, content.length, new ByteArrayInputStream(content));
        return d;
    }

    /**
     * Re-hashes a stored blob. A damaged blob is deleted (so it is fetched again) and false is returned;
     * NOT_FOUND when absent.
     */
    public boolean verify(Digest digest) {
        Path p = blobPath(digest);
        Digest actual;
        try {
            actual = Sha256.of(p);
        } catch (NoSuchFileException e) {
            throw StoreException.notFound("blob " + digest + " is not in the content store " + root);
        } catch (IOException e) {
            throw StoreException.internal("cannot read blob " + digest, e);
        }
        if (actual.equals(digest)) {
            return true;
        }
        LOG.warn("blob damaged on disk, removing it blob={} actual={} store={}", digest, actual, root);
        delete(digest);
        return false;
    }

    /** Removes the blob; false when it was not there. Idempotent. */
    public boolean delete(Digest digest) {
        try (KeyedLocks.Held lock = locks.lock(digest.hex(), lockTimeout, "blob " + digest)) {
            boolean deleted = Files.deleteIfExists(blobPath(digest));
            lock.removeLockFile(); // the blob is gone, so is the need for its lock file
            return deleted;
        } catch (IOException e) {
            throw StoreException.internal("cannot delete blob " + digest + " from " + root, e);
        }
    }

    /** Every stored blob with its size and last-used time (temporary files excluded). */
    public List<BlobInfo> list() {
        List<BlobInfo> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(blobDir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (name.startsWith(".") || name.length() != 64) {
                    continue;
                }
                Digest d;
                try {
                    d = Digest.sha256(name);
                } catch (RegistryException notADigest) {
                    continue;
                }
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                    out.add(new BlobInfo(d, a.size(), a.lastModifiedTime().toInstant()));
                } catch (NoSuchFileException gone) {
                    // deleted while we listed
                }
            }
        } catch (IOException e) {
            throw StoreException.internal("cannot list content store " + root, e);
        }
        return out;
    }

    /** Bytes of all stored blobs. */
    public long totalBytes() {
        return list().stream().mapToLong(BlobInfo::size).sum();
    }

    /**
     * Deletes temporary files left by writers that crashed: only those whose digest lock is free (a live
     * writer holds its lock), so it is safe at any time. Returns how many were removed.
     */
    public int sweepTemps() {
        int removed = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(blobDir, TEMP_PREFIX + "*")) {
            for (Path p : ds) {
                String hex = hexOfTemp(p.getFileName().toString());
                Optional<KeyedLocks.Held> lock = hex == null ? Optional.empty() : locks.tryLock(hex);
                if (hex != null && lock.isEmpty()) {
                    continue; // a writer is at work on it
                }
                try (AutoCloseable ignored = lock.isPresent() ? lock.get() : () -> {}) {
                    if (Files.deleteIfExists(p)) {
                        removed++;
                        LOG.info("swept temporary blob file={} store={}", p.getFileName(), root);
                    }
                } catch (Exception e) {
                    throw StoreException.internal("cannot sweep temporary file " + p, e);
                }
            }
        } catch (IOException e) {
            throw StoreException.internal("cannot list content store " + root, e);
        }
        return removed;
    }

    private static String hexOfTemp(String name) {
        String rest = name.substring(TEMP_PREFIX.length());
        int dash = rest.indexOf('-');
        String hex = dash < 0 ? rest : rest.substring(0, dash);
        return hex.length() == 64 ? hex : null;
    }

    Path newTempFile(Digest digest) throws IOException {
        Path temp = blobDir.resolve(TEMP_PREFIX + digest.hex() + "-" + UUID.randomUUID());
        return Files.createFile(temp);
    }

    /** Moves a verified, fsynced temporary file to its final name and fsyncs the directory. */
    Path publish(Path temp, Digest digest) throws IOException {
        Path target = blobPath(digest);
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("r--r--r--"));
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + temp + " to " + target, e);
        }
        fsyncDirectory(blobDir);
        return target;
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fsync directory " + dir, e);
        }
    }
}
