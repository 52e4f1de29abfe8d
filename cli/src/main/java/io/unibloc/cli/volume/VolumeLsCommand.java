package io.unibloc.cli.volume;

import io.unibloc.blockstore.BlockStore;
import io.unibloc.cli.Sizes;
import io.unibloc.cli.StoreCommand;
import io.unibloc.cli.StoreSession;
import io.unibloc.cli.Table;
import picocli.CommandLine.Command;

@Command(name = "ls", mixinStandardHelpOptions = true, description = "List volumes.")
public final class VolumeLsCommand extends StoreCommand {
    @Override
    protected int call(StoreSession s) {
        Table t = new Table("NAME", "IMAGE", "FS", "SIZE", "MODE", "DEVICE");
        for (BlockStore.Volume v : s.engine().listVolumes()) {
            t.row(
                    v.id(),
                    v.image(),
                    v.fsType().id(),
                    Sizes.format(v.sizeBytes()),
                    v.readOnly() ? "ro" : "rw",
                    v.device().orElse("-"));
        }
        t.print(out());
        return 0;
    }
}
