package io.unibloc.cli.image;

import io.unibloc.blockstore.image.ImageCatalog;
import io.unibloc.cli.StoreCommand;
import io.unibloc.cli.StoreSession;
import io.unibloc.registry.ref.ImageReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
        name = "rm",
        mixinStandardHelpOptions = true,
        description =
                "Forget an image name; `unibloc gc` then frees its blobs and chain images unless volumes or other images use them.")
public final class ImageRmCommand extends StoreCommand {
    @Parameters(
            paramLabel = "REF",
            arity = "1..*",
            description = "Names as pulled, or repo@sha256:... to forget every name of that digest.")
    java.util.List<String> references;

    @Override
    protected int call(StoreSession s) {
        for (String r : references) {
            for (ImageCatalog.Entry e : s.catalog().remove(ImageReference.parse(r))) {
                out().println("removed " + e.name());
            }
        }
        return 0;
    }
}
