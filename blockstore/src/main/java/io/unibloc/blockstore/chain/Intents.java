package io.unibloc.blockstore.chain;

import io.unibloc.blockstore.fs.AtomicFiles;
import io.unibloc.blockstore.fs.Mounts;
import io.unibloc.blockstore.lock.KeyedLocks;
import io.unibloc.types.StoreException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Intent records: before a build or volume creation touches the disk it writes what it is about to
 * create (temporary paths, a mount point) under {@code <data>/intents/}; when done it removes the record.
 * At start-up, every record whose key lock is free belongs to a process that died mid-way: its mount is
 * unmounted and its temporary paths deleted.
 */
public final class Intents {
    private static final Logger LOG = LoggerFactory.getLogger(Intents.class);

    private final Path dir;

    public Intents(Path dataRoot) {
        this.dir = dataRoot.resolve("intents");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw StoreException.internal("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    /** One recorded intent. {@code key} is the lock key its owner holds while it runs. */
    public record Intent(
            String id, String kind, String key, List<String> paths, String mount, long pid, long startedMillis) {}

    public Intent begin(String kind, String key, List<Path> paths, Path mount) {
        Intent intent = new Intent(
                UUID.randomUUID().toString(),
                kind,
                key,
                paths.stream().map(Path::toString).toList(),
                mount == null ? null : mount.toString(),
                ProcessHandle.current().pid(),
                System.currentTimeMillis());
        AtomicFiles.writeJson(dir.resolve(intent.id() + ".json"), intent);
        return intent;
    }

    public void end(Intent intent) {
        try {
            Files.deleteIfExists(dir.resolve(intent.id() + ".json"));
        } catch (IOException e) {
            throw StoreException.internal("cannot remove intent " + intent.id() + ": " + e.getMessage(), e);
        }
    }

    public List<Intent> list() {
        List<Intent> intents = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .toList()) {
                try {
                    AtomicFiles.readJson(file, Intent.class).ifPresent(intents::add);
                } catch (StoreException e) {
                    LOG.warn("dropping unreadable intent file={} reason={}", file, e.getMessage());
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            throw StoreException.internal("cannot list " + dir + ": " + e.getMessage(), e);
        }
        return intents;
    }

    /**
     * Undoes the intents of dead owners (their key lock is free). Safe at any time: intents of live
     * owners are left alone. Returns how many were healed.
     */
    public int heal(KeyedLocks locks) {
        int healed = 0;
        for (Intent intent : list()) {
            Optional<KeyedLocks.Held> held = locks.tryLock(intent.key());
            if (held.isEmpty()) {
                continue;
            }
            try (KeyedLocks.Held ignored = held.get()) {
                if (!Files.exists(dir.resolve(intent.id() + ".json"))) {
                    continue; // finished between list and lock
                }
                LOG.info(
                        "healing interrupted work kind={} key={} pid={} paths={}",
                        intent.kind(),
                        intent.key(),
                        intent.pid(),
                        intent.paths());
                if (intent.mount() != null) {
                    Mounts.unmountIfMounted(Path.of(intent.mount()));
                }
                for (String path : intent.paths()) {
                    deleteTree(Path.of(path));
                }
                end(intent);
                healed++;
            }
        }
        return healed;
    }

    /** Deletes a file or directory tree without following links; absent is fine. */
    public static void deleteTree(Path path) {
        try {
            if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            if (!Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.delete(path);
                return;
            }
            Files.walkFileTree(path, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw StoreException.internal("cannot delete " + path + ": " + e.getMessage(), e);
        }
    }
}
