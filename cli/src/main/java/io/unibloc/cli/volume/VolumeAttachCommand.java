package io.unibloc.cli.volume;

import io.unibloc.blockstore.BlockStore;
import io.unibloc.cli.StoreCommand;
import io.unibloc.cli.StoreSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "attach",
        mixinStandardHelpOptions = true,
        description = "Attach a volume as a block device and print the device path. Idempotent.")
public final class VolumeAttachCommand extends StoreCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--direct-io", description = "Open the backing file with O_DIRECT (no double caching).")
    boolean directIo;

    @Override
    protected int call(StoreSession s) {
        BlockStore.Attachment a = s.engine().attach(name, new BlockStore.AttachOptions(directIo));
        out().println(a.device());
        return 0;
    }
}
