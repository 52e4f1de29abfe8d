package io.unibloc.cli.store;

import io.unibloc.blockstore.BlockStore;
import io.unibloc.cli.Sizes;
import io.unibloc.cli.StoreCommand;
import io.unibloc.cli.StoreSession;
import io.unibloc.cli.Table;
import picocli.CommandLine.Command;

@Command(
        name = "df",
        mixinStandardHelpOptions = true,
        description = {
            "Disk use: logical vs physical bytes of the store, volumes of both write modes, the host page cache the"
                    + " store's files hold, and per volume the bytes shared with its image vs its own.",
            "An ephemeral volume owns no file: it reads its chain image (one page cache for every guest of the"
                    + " image) and its guest writes to its own overlay, outside the store.",
            "The page cache is counted each inode once (mincore of the chain images, persistent clones, the"
                    + " backend's file and the blobs), when df runs; it reads unknown to a user that may not write the"
                    + " store's files (the kernel would report their sizes instead)."
        })
public final class DfCommand extends StoreCommand {
    @Override
    protected int call(StoreSession s) {
        BlockStore.StoreUsage u = s.engine().usage();
        out().printf("store      %s (backend %s)%n", s.dir(), u.backend());
        out().printf("capacity   %s, free %s%n", Sizes.format(u.capacityBytes()), Sizes.format(u.freeBytes()));
        out().printf(
                        "logical    %s (what images and volumes would take as full copies)%n",
                        Sizes.format(u.logicalBytes()));
        out().printf(
                        "physical   %s (shared blocks counted once)%s%n",
                        Sizes.format(u.physicalBytes()),
                        u.physicalBytes() > 0
                                ? String.format(" — %.1fx saved", (double) u.logicalBytes() / u.physicalBytes())
                                : "");
        out().printf("blobs      %s%n", Sizes.format(u.blobBytes()));
        out().printf(
                        "ephemeral  %d volume(s), %s seen by their guests (they read their chain images; writes go to each"
                                + " guest's overlay)%n",
                        u.ephemeralVolumes(), Sizes.format(u.ephemeralBytes()));
        out().println(PageCacheLine.of(u.pageCache()));
        out().printf(
                        "images %d, chains %d, volumes %d (persistent %d, ephemeral %d)%n",
                        u.images(), u.chains(), u.volumes(), u.persistentVolumes(), u.ephemeralVolumes());
        if (u.volumes() > 0) {
            Table t = VolumeRows.of(s.engine(), s.engine().listVolumes());
            out().println();
            t.print(out());
        }
        out().flush();
        return 0;
    }
}
