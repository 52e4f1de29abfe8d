package io.unibloc.blockstore.cow;

import io.unibloc.blockstore.StoreConfig;
import io.unibloc.blockstore.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Picks the backend for a store: the configured one, or for {@code auto} the best that works here. */
public final class Backends {
    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);

    private static final String CHOICE_FILE = "backend";

    private Backends() {}

    /**
     * Opens the backend. {@code auto}: reflink when a FICLONE probe in {@code storeRoot} succeeds; else
     * xfs-loop when the store already has its XFS file or XFS can be made; else copy. {@code reflink}
     * where the probe fails is FAILED_PRECONDITION.
     */
    public static CowBackend open(Path storeRoot, StoreConfig.Backend choice, long xfsLoopBytes) {
        try {
            Files.createDirectories(storeRoot);
        } catch (IOException e) {
            throw StoreException.internal("cannot create store directory " + storeRoot + ": " + e.getMessage(), e);
        }
        CowBackend backend = switch (choice) {
            case REFLINK -> {
                if (!Ficlone.worksIn(storeRoot)) {
                    throw StoreException.precondition("backend reflink: the filesystem of " + storeRoot
                            + " cannot reflink (FICLONE failed); use xfs-loop or copy");
                }
                yield new ReflinkBackend(storeRoot);
            }
            case XFS_LOOP -> XfsLoopBackend.open(storeRoot, xfsLoopBytes);
            case COPY -> new CopyBackend(storeRoot);
            case AUTO -> auto(storeRoot, xfsLoopBytes);
        };
        LOG.info("copy-on-write backend store={} backend={} dataRoot={}", storeRoot, backend.name(), backend.dataRoot());
        return backend;
    }

    /**
     * The first automatic choice is recorded in {@code <store>/backend} and kept on later starts: the
     * backends keep their data in different places, so switching silently would lose the store.
     */
    private static CowBackend auto(Path storeRoot, long xfsLoopBytes) {
        Path recorded = storeRoot.resolve(CHOICE_FILE);
        try {
            if (Files.exists(recorded)) {
                StoreConfig.Backend earlier = StoreConfig.Backend.parse(Files.readString(recorded).trim());
                if (earlier != StoreConfig.Backend.AUTO) {
                    return open(storeRoot, earlier, xfsLoopBytes);
                }
            }
            CowBackend chosen = probe(storeRoot, xfsLoopBytes);
            Path temp = storeRoot.resolve(CHOICE_FILE + ".tmp");
            Files.writeString(temp, chosen.name() + "\n");
            Files.move(temp, recorded, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return chosen;
        } catch (IOException e) {
            throw StoreException.internal("cannot record the backend of store " + storeRoot + ": " + e.getMessage(), e);
        }
    }

    private static CowBackend probe(Path storeRoot, long xfsLoopBytes) {
        if (Files.exists(storeRoot.resolve("xfs.img"))) {
            return XfsLoopBackend.open(storeRoot, xfsLoopBytes);
        }
        if (Ficlone.worksIn(storeRoot)) {
            return new ReflinkBackend(storeRoot);
        }
        LOG.info("store directory cannot reflink, creating an XFS file to live in store={}", storeRoot);
        try {
            return XfsLoopBackend.open(storeRoot, xfsLoopBytes);
        } catch (StoreException e) {
            LOG.warn("falling back to plain copies store={} reason={}", storeRoot, e.getMessage());
            return new CopyBackend(storeRoot);
        }
    }
}
