package io.unibloc.cli.image;

import io.unibloc.blockstore.image.FetchedImage;
import io.unibloc.cli.ConsoleProgress;
import io.unibloc.cli.Sizes;
import io.unibloc.cli.StoreCommand;
import io.unibloc.cli.StoreSession;
import io.unibloc.registry.manifest.Platform;
import io.unibloc.registry.ref.ImageReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "pull",
        mixinStandardHelpOptions = true,
        description = "Fetch an image's manifest, config and layers into the store, each verified by digest.")
public final class ImagePullCommand extends StoreCommand {
    @Parameters(
            paramLabel = "REF",
            description = "Registry reference (host/repo:tag, repo@sha256:...) or oci:DIR[:TAG].")
    String reference;

    @Option(
            names = "--platform",
            paramLabel = "OS/ARCH[/VARIANT]",
            defaultValue = "linux/amd64",
            description = "Platform to pick from a multi-platform image (default: ${DEFAULT-VALUE}).")
    String platform;

    @Override
    protected int call(StoreSession s) {
        ImageReference ref = ImageReference.parse(reference);
        ConsoleProgress progress = ConsoleProgress.forStdout();
        long t0 = System.nanoTime();
        FetchedImage img;
        try {
            img = s.fetcher().fetch(ref, Platform.parse(platform), s.credentials(), progress);
        } finally {
            progress.finish();
        }
        s.catalog().record(ref, img);
        double secs = (System.nanoTime() - t0) / 1e9;
        out().printf(
                        "%s%n  pinned   %s%n  manifest %s (%s)%n  layers   %d, %s compressed, pulled in %.2f s%n",
                        ref,
                        img.pinned(),
                        img.manifestDigest(),
                        img.platform(),
                        img.layers().size(),
                        Sizes.format(img.layerBytes()),
                        secs);
        return 0;
    }
}
