package io.unibloc.blockstore.cow;

import io.unibloc.blockstore.StoreConfig;
import io.unibloc.types.ErrorKind;
import io.unibloc.types.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the backend for a store: the configured one, or for {@code auto} the best copy-on-write backend that
 * works here. {@code auto} never settles for plain copies: a store where every clone is a full copy is a
 * different product (start time and disk use grow with the image), so that takes an explicit {@code copy}.
 */
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
        return choose(storeRoot, choice, xfsLoopBytes).backend();
    }

    /** The backend in use and why it was chosen, for status conditions and logs. */
    public record Chosen(CowBackend backend, String reason) {}

    /**
     * As {@link #open}, with the reason. {@code auto} where neither reflink nor an XFS loop file works is
     * FAILED_PRECONDITION naming both failures; it never falls back to copies by itself.
     */
    public static Chosen choose(Path storeRoot, StoreConfig.Backend choice, long xfsLoopBytes) {
        try {
            Files.createDirectories(storeRoot);
        } catch (IOException e) {
            throw StoreException.internal("cannot create store directory " + storeRoot + ": " + e.getMessage(), e);
        }
        Chosen chosen = switch (choice) {
            case REFLINK -> {
                if (!Ficlone.worksIn(storeRoot)) {
                    throw StoreException.precondition("backend reflink: the filesystem of " + storeRoot
                            + " cannot reflink (FICLONE failed); use xfs-loop or copy");
                }
                yield new Chosen(new ReflinkBackend(storeRoot), "configured");
            }
            case XFS_LOOP -> new Chosen(XfsLoopBackend.open(storeRoot, xfsLoopBytes), "configured");
            case COPY -> new Chosen(new CopyBackend(storeRoot), "configured");
            case AUTO -> auto(storeRoot, xfsLoopBytes);
        };
        CowBackend backend = chosen.backend();
        if (backend instanceof CopyBackend) {
            LOG.warn(
                    "copy-on-write backend store={} backend=copy reason=\"{}\": every clone is a full copy",
                    storeRoot,
                    chosen.reason());
        } else {
            LOG.info(
                    "copy-on-write backend store={} backend={} dataRoot={} reason=\"{}\"",
                    storeRoot,
                    backend.name(),
                    backend.dataRoot(),
                    chosen.reason());
        }
        return chosen;
    }

    /**
     * The first automatic choice is recorded in {@code <store>/backend} and kept on later starts: the
     * backends keep their data in different places, so switching silently would lose the store.
     */
    private static Chosen auto(Path storeRoot, long xfsLoopBytes) {
        Path recorded = storeRoot.resolve(CHOICE_FILE);
        try {
            if (Files.exists(recorded)) {
                StoreConfig.Backend earlier =
                        StoreConfig.Backend.parse(Files.readString(recorded).trim());
                if (earlier != StoreConfig.Backend.AUTO) {
                    // A recorded copy comes from an older release's silent fallback: kept (its data lives there),
                    // but said loudly, so that an operator can move the node to a copy-on-write backend.
                    String why = earlier == StoreConfig.Backend.COPY
                            ? "recorded in " + recorded
                                    + " by an earlier automatic fallback; every clone is a full copy"
                            : "recorded in " + recorded + " at the store's first start";
                    return new Chosen(choose(storeRoot, earlier, xfsLoopBytes).backend(), why);
                }
            }
            Chosen chosen = probe(storeRoot, xfsLoopBytes);
            Path temp = storeRoot.resolve(CHOICE_FILE + ".tmp");
            Files.writeString(temp, chosen.backend().name() + "\n");
            Files.move(temp, recorded, StandardCopyOption.ATOMIC_MOVE);
            return chosen;
        } catch (IOException e) {
            throw StoreException.internal("cannot record the backend of store " + storeRoot + ": " + e.getMessage(), e);
        }
    }

    private static Chosen probe(Path storeRoot, long xfsLoopBytes) {
        if (Files.exists(storeRoot.resolve("xfs.img"))) {
            return new Chosen(XfsLoopBackend.open(storeRoot, xfsLoopBytes), "automatic: the store's XFS file exists");
        }
        if (Ficlone.worksIn(storeRoot)) {
            return new Chosen(new ReflinkBackend(storeRoot), "automatic: the store directory can reflink");
        }
        LOG.info("store directory cannot reflink, creating an XFS file to live in store={}", storeRoot);
        try {
            return new Chosen(
                    XfsLoopBackend.open(storeRoot, xfsLoopBytes),
                    "automatic: the store directory cannot reflink, so the store lives in a loop-mounted XFS file");
        } catch (StoreException e) {
            throw new StoreException(
                    ErrorKind.FAILED_PRECONDITION,
                    "no copy-on-write backend works in store " + storeRoot
                            + ": its filesystem cannot reflink, and an XFS file cannot be made (" + e.getMessage()
                            + "); fix that (xfsprogs installed, loop devices and XFS available, space for the file) or choose the"
                            + " copy backend explicitly (every clone is then a full copy)",
                    e);
        }
    }
}
