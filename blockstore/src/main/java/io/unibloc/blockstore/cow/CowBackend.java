package io.unibloc.blockstore.cow;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Clones files inside {@link #dataRoot()}. Every backend gives the same observable result (a clone is an
 * independent file with the source's content, holes included); they differ only in time and space.
 * Thread-safe.
 */
public interface CowBackend extends AutoCloseable {
    /** {@code reflink}, {@code xfs-loop} or {@code copy}, as logs and metrics show it. */
    String name();

    /** The directory that chain images and volumes live under; clones work only inside it. */
    Path dataRoot();

    /**
     * The host file the data root lives in, when it is one (the XFS file of {@code xfs-loop}): its host
     * filesystem bounds what the store can really hold, whatever the filesystem inside says is free.
     */
    default Optional<Path> backingFile() {
        return Optional.empty();
    }

    /** True when a clone shares its blocks with the source until either is written. */
    boolean sharesBlocks();

    /**
     * Creates {@code target} as a clone of {@code source}. Errors: NOT_FOUND when {@code source} is missing,
     * ALREADY_EXISTS when {@code target} exists, INTERNAL when the clone fails (no partial target remains).
     * Not idempotent: a second call with the same target is ALREADY_EXISTS.
     */
    void cloneFile(Path source, Path target);

    /** Releases what the backend set up (the XFS mount of {@code xfs-loop}, when nothing uses it). */
    @Override
    void close();
}
