package io.unibloc.blockstore.chain;

import io.unibloc.blockstore.fs.AtomicFiles;
import io.unibloc.types.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Sealed chain images on disk: {@code <data>/chains/<id>.img} (mode 0444) and {@code <id>.json}. An image
 * exists once its final name exists; the metadata is written first, so a metadata file without an image is
 * a leftover of a crash and is ignored (and swept).
 */
public final class ChainRepository {
    private final Path chains;
    private final Path tmp;

    public ChainRepository(Path dataRoot) {
        this.chains = dataRoot.resolve("chains");
        this.tmp = dataRoot.resolve("tmp");
        try {
            Files.createDirectories(chains);
            // Owner only: a base layer is unpacked here on the host with its setuid bits, which no other
            // host user may reach. Also tightens the directory of a store made before.
            Files.createDirectories(
                    tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw StoreException.internal("cannot create " + chains + " or " + tmp + ": " + e.getMessage(), e);
        }
    }

    public Path image(ChainId id) {
        return chains.resolve(id.value() + ".img");
    }

    private Path metaFile(ChainId id) {
        return chains.resolve(id.value() + ".json");
    }

    /** Where builds put their temporary images, trees and mount points. */
    public Path tmpDir() {
        return tmp;
    }

    public boolean exists(ChainId id) {
        return Files.exists(image(id));
    }

    public Optional<ChainMeta> meta(ChainId id) {
        return AtomicFiles.readJson(metaFile(id), ChainMeta.class);
    }

    /** Every sealed chain. */
    public List<ChainId> list() {
        List<ChainId> ids = new ArrayList<>();
        try (Stream<Path> files = Files.list(chains)) {
            files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".img"))
                    .map(n -> n.substring(0, n.length() - 4))
                    .filter(ChainId::isValid)
                    .forEach(n -> ids.add(new ChainId(n)));
        } catch (IOException e) {
            throw StoreException.internal("cannot list " + chains + ": " + e.getMessage(), e);
        }
        return ids;
    }

    /**
     * Seals {@code temp} (read-only, fsynced) and gives it the chain's final name. The caller holds the
     * chain's lock and has checked that the final name does not exist.
     */
    public void commit(Path temp, ChainId id, ChainMeta meta) {
        try {
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("r--r--r--"));
            AtomicFiles.fsync(temp);
            AtomicFiles.writeJson(metaFile(id), meta);
            Files.move(temp, image(id), StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.fsyncDirectory(chains);
        } catch (IOException e) {
            throw StoreException.internal("cannot seal chain " + id + " from " + temp + ": " + e.getMessage(), e);
        }
    }

    /**
     * Marks the chain used now (its LRU age): the metadata's mtime, or the image's when the metadata is gone (a
     * crash, a hand-cleaned store), so a chain in use never looks old to GC. NOT_FOUND when the chain is gone (GC
     * took it: the caller builds it again); INTERNAL when the use cannot be recorded — never silence, or GC would
     * evict a chain in use as the least recently used.
     */
    public void touch(ChainId id) {
        FileTime now = FileTime.from(Instant.now());
        try {
            Files.setLastModifiedTime(metaFile(id), now);
            return;
        } catch (NoSuchFileException e) {
            // no metadata: the image carries the age
        } catch (IOException e) {
            throw StoreException.internal("cannot record the use of chain " + id + ": " + e.getMessage(), e);
        }
        try {
            Files.setLastModifiedTime(image(id), now);
        } catch (NoSuchFileException e) {
            throw StoreException.notFound("chain " + id + " does not exist (collected meanwhile)");
        } catch (IOException e) {
            throw StoreException.internal("cannot record the use of chain " + id + ": " + e.getMessage(), e);
        }
    }

    /** When the chain was last used: its metadata's mtime, else its image's; the epoch when both are gone. */
    public Instant lastUsed(ChainId id) {
        for (Path file : List.of(metaFile(id), image(id))) {
            try {
                return Files.getLastModifiedTime(file).toInstant();
            } catch (IOException e) {
                // try the next
            }
        }
        return Instant.EPOCH;
    }

    /** Removes the chain (image first, so it stops existing at once). Caller holds the chain's lock. */
    public void delete(ChainId id) {
        try {
            Files.deleteIfExists(image(id));
            Files.deleteIfExists(metaFile(id));
        } catch (IOException e) {
            throw StoreException.internal("cannot delete chain " + id + ": " + e.getMessage(), e);
        }
    }

    /** Metadata files whose image never got its final name (crash between the two writes). */
    public List<Path> orphanMetadata() {
        List<Path> orphans = new ArrayList<>();
        try (Stream<Path> files = Files.list(chains)) {
            files.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .filter(p -> {
                        String name = p.getFileName().toString();
                        String id = name.substring(0, name.length() - 5);
                        return ChainId.isValid(id) && !Files.exists(chains.resolve(id + ".img"));
                    })
                    .forEach(orphans::add);
        } catch (IOException e) {
            throw StoreException.internal("cannot list " + chains + ": " + e.getMessage(), e);
        }
        return orphans;
    }
}
