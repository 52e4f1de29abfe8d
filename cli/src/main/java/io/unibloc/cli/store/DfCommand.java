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
        description =
                "Disk use: logical vs physical bytes of the store, and per volume the bytes shared with its image vs its own.")
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
        out().printf("images %d, chains %d, volumes %d%n", u.images(), u.chains(), u.volumes());
        if (u.volumes() > 0) {
            Table t = new Table("VOLUME", "LOGICAL", "SHARED", "EXCLUSIVE");
            for (BlockStore.Volume v : s.engine().listVolumes()) {
                BlockStore.VolumeStats st = s.engine().volumeStats(v.id());
                t.row(
                        v.id(),
                        Sizes.format(st.logicalBytes()),
                        Sizes.format(Math.max(0, st.logicalBytes() - st.exclusiveBytes())),
                        Sizes.format(st.exclusiveBytes()));
            }
            out().println();
            t.print(out());
        }
        out().flush();
        return 0;
    }
}
