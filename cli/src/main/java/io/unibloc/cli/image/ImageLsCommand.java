package io.unibloc.cli.image;

import io.unibloc.blockstore.image.ImageCatalog;
import io.unibloc.cli.Sizes;
import io.unibloc.cli.StoreCommand;
import io.unibloc.cli.StoreSession;
import io.unibloc.cli.Table;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import picocli.CommandLine.Command;

@Command(name = "ls", mixinStandardHelpOptions = true, description = "List the images pulled or built into the store.")
public final class ImageLsCommand extends StoreCommand {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

    @Override
    protected int call(StoreSession s) {
        Table t = new Table("NAME", "DIGEST", "PLATFORM", "LAYERS", "SIZE", "PULLED");
        for (ImageCatalog.Entry e : s.catalog().list()) {
            String digest = e.pinned().substring(e.pinned().indexOf("@sha256:") + 8);
            t.row(
                    e.name(),
                    digest.substring(0, 12),
                    e.platform(),
                    e.layers(),
                    Sizes.format(e.layerBytes()),
                    TIME.format(e.pulledAt()));
        }
        t.print(out());
        return 0;
    }
}
