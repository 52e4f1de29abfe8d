package io.unibloc.blockstore.volumes;

import io.unibloc.blockstore.chain.Intents;
import io.unibloc.blockstore.fs.AtomicFiles;
import io.unibloc.blockstore.lock.KeyedLocks;
import io.unibloc.types.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One directory of volumes, {@code <root>/<id>/} each with its {@code volume.json}, and the crash-safe way in and
 * out of it that persistent and ephemeral volumes share: a volume is built under {@code .tmp-<id>-<uuid>} and
 * renamed into place, and deleted by renaming it to {@code .del-<id>-<uuid>} before its tree goes, so a crash
 * leaves either a whole volume or a leftover that {@link #sweep} finds by name. Every volume of every kind is
 * guarded by one lock per id ({@link VolumeManager#lockKey}), which the caller holds around each operation.
 */
public final class VolumeDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(VolumeDirectory.class);
    public static final String META = "volume.json";
    static final String DELETING_PREFIX = ".del-";
    /** "-" and a random UUID. */
    static final int UUID_SUFFIX = 37;

    private final Path root;
    private final KeyedLocks locks;

    public VolumeDirectory(Path root, KeyedLocks locks) {
        this.root = root.toAbsolutePath().normalize();
        this.locks = locks;
        try {
            Files.createDirectories(this.root);
        } catch (IOException e) {
            throw StoreException.internal("cannot create " + this.root + ": " + e.getMessage(), e);
        }
    }

    public Path root() {
        return root;
    }

    public Path dir(String id) {
        return root.resolve(VolumeIds.validate(id));
    }

    /** The volume's record, empty when there is none. */
    public <T> Optional<T> read(String id, Class<T> type) {
        return AtomicFiles.readJson(dir(id).resolve(META), type);
    }

    /** Every published volume's record, by id. */
    public <T> List<T> list(Class<T> type) {
        List<T> records = new ArrayList<>();
        for (Path dir : entries()) {
            if (!dir.getFileName().toString().startsWith(".")) {
                AtomicFiles.readJson(dir.resolve(META), type).ifPresent(records::add);
            }
        }
        return records;
    }

    /** A fresh temporary directory for building volume {@code id}; the caller holds the id's lock. */
    public Path newTemp(String id) throws IOException {
        return Files.createDirectory(root.resolve(AtomicFiles.TEMP_PREFIX + id + "-" + UUID.randomUUID()));
    }

    /**
     * Writes {@code record} into {@code temp}, makes both durable and renames {@code temp} to the volume's name:
     * from the rename on, the volume exists whole. The caller holds the id's lock.
     */
    public void publish(Path temp, String id, Object record) throws IOException {
        AtomicFiles.writeJsonInPlace(temp.resolve(META), record);
        AtomicFiles.fsyncDirectory(temp);
        Files.move(temp, dir(id), StandardCopyOption.ATOMIC_MOVE);
        AtomicFiles.fsyncDirectory(root);
    }

    /**
     * Removes the volume's directory: renamed out of the way first (one atomic step, after which the volume no
     * longer exists), then its tree. A crash in between leaves a {@code .del-} directory for {@link #sweep}.
     * False when there was none. The caller holds the id's lock.
     */
    public boolean remove(String id) throws IOException {
        Path dir = dir(id);
        if (!Files.exists(dir)) {
            return false;
        }
        Path doomed = root.resolve(DELETING_PREFIX + id + "-" + UUID.randomUUID());
        Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
        AtomicFiles.fsyncDirectory(root);
        Intents.deleteTree(doomed);
        return true;
    }

    /**
     * Removes what crashes left, each only while its volume's lock is free (else its owner is at work):
     * {@code .tmp-<id>-<uuid>} and {@code .del-<id>-<uuid>} directories, and volume directories without a record
     * for which {@code unused} holds (a crash in the middle of a delete made by a version that deleted in place).
     * Returns how many went.
     */
    public int sweep(Predicate<Path> unused) {
        int swept = 0;
        for (Path entry : entries()) {
            String name = entry.getFileName().toString();
            Optional<String> id = leftoverId(name);
            boolean recordless = id.isEmpty() && isVolumeId(name) && !Files.exists(entry.resolve(META));
            if (id.isEmpty() && !recordless) {
                continue;
            }
            Optional<KeyedLocks.Held> held = locks.tryLock(VolumeManager.lockKey(id.orElse(name)));
            if (held.isEmpty()) {
                continue;
            }
            try (KeyedLocks.Held lock = held.get()) {
                if (recordless && (Files.exists(entry.resolve(META)) || !unused.test(entry))) {
                    continue;
                }
                LOG.info("sweeping interrupted volume work path={}", entry);
                Intents.deleteTree(entry);
                if (!Files.exists(root.resolve(id.orElse(name)))) {
                    lock.removeLockFile();
                }
                swept++;
            }
        }
        return swept;
    }

    private static boolean isVolumeId(String name) {
        try {
            VolumeIds.validate(name);
            return true;
        } catch (StoreException e) {
            return false;
        }
    }

    private static Optional<String> leftoverId(String name) {
        for (String prefix : List.of(AtomicFiles.TEMP_PREFIX, DELETING_PREFIX)) {
            if (name.startsWith(prefix) && name.length() > prefix.length() + UUID_SUFFIX) {
                return Optional.of(name.substring(prefix.length(), name.length() - UUID_SUFFIX));
            }
        }
        return Optional.empty();
    }

    private List<Path> entries() {
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.sorted().toList();
        } catch (IOException e) {
            throw StoreException.internal("cannot list " + root + ": " + e.getMessage(), e);
        }
    }
}
