package io.unibloc.blockstore.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.unibloc.registry.ref.Digest;
import io.unibloc.registry.ref.ImageReference;
import io.unibloc.registry.ref.Sha256;
import io.unibloc.types.StoreException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The names a user pulled, and what they resolved to: one small JSON file per reference text under
 * {@code <root>/}, written with temp + fsync + rename. It is what {@code unibloc image ls} shows and
 * what {@code image rm} forgets; blobs and chains are freed by garbage collection afterwards. Thread-
 * and process-safe by atomic renames (the last writer of a name wins).
 */
public final class ImageCatalog {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;

    /** One remembered image. {@code name} is the reference as given (tag kept); sizes are compressed bytes. */
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
    public record Entry(
            String name,
            String pinned,
            String manifestDigest,
            String platform,
            long layerBytes,
            int layers,
            long pulledAtMillis) {
        public Instant pulledAt() {
            return Instant.ofEpochMilli(pulledAtMillis);
        }

        public ImageReference pinnedReference() {
            return ImageReference.parse(pinned);
        }
    }

    public ImageCatalog(Path root) {
        this.root = root.toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.root);
        } catch (IOException e) {
            throw StoreException.internal("cannot create image catalog " + this.root, e);
        }
    }

    /** Remembers {@code image} under the name the user gave. Idempotent. */
    public Entry record(ImageReference asGiven, FetchedImage image) {
        Entry e = new Entry(
                nameOf(asGiven),
                image.pinned().toString(),
                image.manifestDigest().toString(),
                image.platform().toString(),
                image.layerBytes(),
                image.layers().size(),
                System.currentTimeMillis());
        Path target = fileOf(e.name());
        Path temp = root.resolve(".tmp-" + UUID.randomUUID());
        try {
            Files.write(temp, JSON.writeValueAsBytes(e));
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return e;
        } catch (IOException ex) {
            throw StoreException.internal("cannot record image " + e.name() + " in " + root, ex);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // a stray temp file is harmless and ignored by list()
            }
        }
    }

    public Optional<Entry> find(ImageReference ref) {
        Path f = fileOf(nameOf(ref));
        try {
            return Optional.of(JSON.readValue(Files.readAllBytes(f), Entry.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw StoreException.internal("cannot read image catalog entry " + f, e);
        }
    }

    /** All entries, newest first. */
    public List<Entry> list() {
        List<Entry> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, "*.json")) {
            for (Path p : ds) {
                try {
                    out.add(JSON.readValue(Files.readAllBytes(p), Entry.class));
                } catch (NoSuchFileException gone) {
                    // removed while listing
                }
            }
        } catch (IOException e) {
            throw StoreException.internal("cannot list image catalog " + root, e);
        }
        out.sort(Comparator.comparingLong(Entry::pulledAtMillis).reversed());
        return out;
    }

    /**
     * Forgets a name (or, for a pinned reference without tag, every name pinned to that digest).
     * Returns the removed entries; NOT_FOUND when nothing matched.
     */
    public List<Entry> remove(ImageReference ref) {
        List<Entry> removed = new ArrayList<>();
        for (Entry e : list()) {
            boolean sameName = e.name().equals(nameOf(ref));
            boolean sameDigest = ref.digest() != null
                    && ref.tag() == null
                    && (e.manifestDigest().equals(ref.digest().toString())
                            || e.pinned().endsWith("@" + ref.digest()));
            if (sameName || sameDigest) {
                try {
                    Files.deleteIfExists(fileOf(e.name()));
                } catch (IOException ex) {
                    throw StoreException.internal("cannot remove image " + e.name() + " from " + root, ex);
                }
                removed.add(e);
            }
        }
        if (removed.isEmpty()) {
            throw StoreException.notFound("image " + ref + " is not in the store");
        }
        return removed;
    }

    /** Digests every remembered image pins (for GC roots). */
    public List<Digest> pinnedDigests() {
        return list().stream().map(e -> e.pinnedReference().digest()).toList();
    }

    private static String nameOf(ImageReference ref) {
        return ref.toString();
    }

    private Path fileOf(String name) {
        return root.resolve(Sha256.of(name.getBytes(StandardCharsets.UTF_8)).hex() + ".json");
    }
}
