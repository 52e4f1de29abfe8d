package io.unibloc.cli.image;

import io.unibloc.blockstore.BlockStore;
import io.unibloc.cli.ConsoleProgress;
import io.unibloc.cli.Sizes;
import io.unibloc.cli.StoreCommand;
import io.unibloc.cli.StoreSession;
import io.unibloc.registry.manifest.Platform;
import io.unibloc.registry.ref.ImageReference;
import io.unibloc.types.FsType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "build",
        mixinStandardHelpOptions = true,
        description =
                "Pull an image if needed and build its layer-chain block images (once per chain; shared between images).")
public final class ImageBuildCommand extends StoreCommand {
    @Parameters(paramLabel = "REF", description = "Registry reference or oci:DIR[:TAG].")
    String reference;

    @Option(
            names = "--fs",
            paramLabel = "ext4|ext2|vfat|raw",
            defaultValue = "ext4",
            description = "Filesystem of the block images (default: ${DEFAULT-VALUE}).")
    String fs;

    @Option(
            names = "--size",
            paramLabel = "SIZE",
            converter = Sizes.Converter.class,
            description = "Minimum size of the chain images, e.g. 512M or 2G (default: fitted to the content).")
    Long size;

    @Override
    protected int call(StoreSession s) {
        ImageReference ref = ImageReference.parse(reference);
        FsType fsType = FsType.parse(fs);
        ConsoleProgress progress = ConsoleProgress.forStdout();
        long t0 = System.nanoTime();
        BlockStore.PreparedImage prepared;
        try {
            prepared = s.engine().prepare(ref, fsType, s.credentials(), progress);
        } finally {
            progress.finish();
        }
        s.fetcher()
                .cached(prepared.pinned(), Platform.DEFAULT)
                .ifPresent(img -> s.catalog().record(ref, img));
        out().printf(
                        "%s%n  pinned  %s%n  fs      %s, %d chain image(s), top %s%n  size    %s%s, %.2f s%n",
                        ref,
                        prepared.pinned(),
                        prepared.fsType().id(),
                        prepared.chainIds().size(),
                        prepared.topChainId(),
                        Sizes.format(prepared.imageBytes()),
                        prepared.cached() ? " (already built)" : "",
                        (System.nanoTime() - t0) / 1e9);
        if (size != null && prepared.imageBytes() < size) {
            out().printf(
                            "  note    volumes grow to any --size at creation; chain images stay fitted to their content%n");
        }
        return 0;
    }
}
