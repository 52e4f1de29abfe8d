package io.unibloc.cli.store;

import io.unibloc.blockstore.BlockStore;
import io.unibloc.cli.Sizes;
import io.unibloc.cli.Table;
import io.unibloc.types.ErrorKind;
import io.unibloc.types.StoreException;
import java.util.List;

/**
 * The per-volume table of {@code unibloc df}. A volume listed and then deleted before its figures are read (a
 * guest stopped meanwhile) is left out: the rest of the table is still true, and one vanished row must not fail
 * the whole command.
 */
final class VolumeRows {
    private VolumeRows() {}

    /** Rows of the volumes of {@code listed} that still exist. Errors: the engine's, other than NOT_FOUND. */
    static Table of(BlockStore engine, List<BlockStore.Volume> listed) {
        Table t = new Table("VOLUME", "MODE", "SIZE", "LOGICAL", "SHARED", "EXCLUSIVE");
        for (BlockStore.Volume v : listed) {
            BlockStore.VolumeStats st;
            try {
                st = engine.volumeStats(v.id());
            } catch (StoreException e) {
                if (e.kind() == ErrorKind.NOT_FOUND) {
                    continue;
                }
                throw e;
            }
            t.row(
                    v.id(),
                    v.writeMode().id(),
                    Sizes.format(v.sizeBytes()),
                    Sizes.format(st.logicalBytes()),
                    Sizes.format(Math.max(0, st.logicalBytes() - st.exclusiveBytes())),
                    Sizes.format(st.exclusiveBytes()));
        }
        return t;
    }
}
