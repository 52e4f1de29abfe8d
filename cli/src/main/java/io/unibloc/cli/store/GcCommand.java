package io.unibloc.cli.store;

import io.unibloc.blockstore.BlockStore;
import io.unibloc.cli.Sizes;
import io.unibloc.cli.StoreCommand;
import io.unibloc.cli.StoreSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "gc",
        mixinStandardHelpOptions = true,
        description =
                "Free chain images and blobs no volume uses, least recently used first, down to --max-bytes; sweep crash leftovers.")
public final class GcCommand extends StoreCommand {
    @Option(
            names = "--max-bytes",
            paramLabel = "SIZE",
            converter = Sizes.Converter.class,
            description = "Budget for unused chains and blobs (default: 0, free all of them).")
    Long maxBytes;

    @Option(names = "--no-sweep", description = "Do not sweep temporary files and orphans.")
    boolean noSweep;

    @Override
    protected int call(StoreSession s) {
        int temps = noSweep ? 0 : s.content().sweepTemps();
        BlockStore.GcReport r = s.engine().gc(new BlockStore.GcPolicy(maxBytes == null ? 0 : maxBytes, !noSweep));
        out().printf(
                        "removed %d chain image(s) and %d blob(s), freed %s; swept %d orphan(s)%n",
                        r.chainsRemoved(), r.blobsRemoved(), Sizes.format(r.bytesFreed()), r.orphansSwept() + temps);
        return 0;
    }
}
