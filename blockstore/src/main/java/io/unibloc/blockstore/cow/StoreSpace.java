package io.unibloc.blockstore.cow;

import io.unibloc.types.ErrorKind;
import io.unibloc.types.StoreException;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The space a store really has. Inside an {@code xfs-loop} file, the XFS filesystem reports what its sparse file
 * could hold, not what the host disk has left: a node would offer 20 GiB on a nearly full disk, and when the host
 * fills, loop I/O fails for every guest at once. So free space is the smaller of the two, and a new volume is
 * refused up front (RESOURCE_EXHAUSTED) when its worst-case growth does not fit, rather than failing later inside
 * a running guest.
 */
public final class StoreSpace {
    private final CowBackend backend;
    private final double overprovisionRatio;

    public StoreSpace(CowBackend backend, double overprovisionRatio) {
        this.backend = backend;
        this.overprovisionRatio = overprovisionRatio;
    }

    /** Total size of the filesystem the store's data lives in. */
    public long capacityBytes() {
        return store(backend.dataRoot()).total();
    }

    /** Free bytes inside the data root and, for a store file, on the host filesystem that holds it: the smaller. */
    public long freeBytes() {
        long inside = store(backend.dataRoot()).usable();
        return backend.backingFile()
                .map(file -> Math.min(inside, store(file).usable()))
                .orElse(inside);
    }

    /** What the store offers for new volumes: {@link #freeBytes} times the overprovision ratio. */
    public long offeredBytes() {
        return offered(freeBytes(), overprovisionRatio);
    }

    static long offered(long freeBytes, double ratio) {
        double value = freeBytes * ratio;
        return value >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) Math.floor(value);
    }

    /**
     * RESOURCE_EXHAUSTED naming the volume when a volume that may grow to {@code worstCaseBytes} (a clone can come
     * to own every one of its blocks) does not fit in what the store offers.
     */
    public void requireRoomFor(String volumeId, long worstCaseBytes) {
        long inside = store(backend.dataRoot()).usable();
        long host = backend.backingFile().map(file -> store(file).usable()).orElse(inside);
        long offered = offered(Math.min(inside, host), overprovisionRatio);
        if (worstCaseBytes > offered) {
            String where = backend.backingFile()
                    .map(file -> "the store file " + file + " has " + inside
                            + " bytes free inside and its host filesystem " + host + " bytes")
                    .orElse("the store " + backend.dataRoot() + " has " + inside + " bytes free");
            throw new NoRoom("no space left for volume " + volumeId + " of " + worstCaseBytes + " bytes: " + where
                    + (overprovisionRatio != 1.0 ? " (overprovision ratio " + overprovisionRatio + ")" : "")
                    + "; free space on the node or lower the requested size");
        }
    }

    /** RESOURCE_EXHAUSTED found before any work, with the whole story in its message: callers pass it on as is. */
    public static final class NoRoom extends StoreException {
        NoRoom(String message) {
            super(ErrorKind.RESOURCE_EXHAUSTED, message);
        }
    }

    private record Space(long total, long usable) {}

    private static Space store(Path path) {
        try {
            FileStore store = Files.getFileStore(path);
            return new Space(store.getTotalSpace(), store.getUsableSpace());
        } catch (IOException e) {
            throw StoreException.internal("cannot read the free space of " + path + ": " + e.getMessage(), e);
        }
    }
}
