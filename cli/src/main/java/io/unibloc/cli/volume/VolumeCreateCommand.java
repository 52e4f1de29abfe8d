package io.unibloc.cli.volume;

import io.unibloc.blockstore.BlockStore;
import io.unibloc.cli.ConsoleProgress;
import io.unibloc.cli.Sizes;
import io.unibloc.cli.StoreCommand;
import io.unibloc.cli.StoreSession;
import io.unibloc.registry.ref.ImageReference;
import io.unibloc.types.FsType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "create",
        mixinStandardHelpOptions = true,
        description =
                "Create a volume from an image (pulls and builds it first if needed). Idempotent for the same options.")
public final class VolumeCreateCommand extends StoreCommand {
    @Parameters(paramLabel = "NAME", description = "Volume name.")
    String name;

    @Option(
            names = "--image",
            required = true,
            paramLabel = "REF",
            description = "Registry reference or oci:DIR[:TAG].")
    String image;

    @Option(
            names = "--size",
            paramLabel = "SIZE",
            converter = Sizes.Converter.class,
            description = "Volume size, e.g. 512M or 2G (default: the image's own size).")
    Long size;

    @Option(
            names = "--fs",
            paramLabel = "ext4|ext2|vfat|raw",
            defaultValue = "ext4",
            description = "Filesystem (default: ${DEFAULT-VALUE}).")
    String fs;

    @Option(names = "--read-only", description = "Attach read-only.")
    boolean readOnly;

    @Override
    protected int call(StoreSession s) {
        BlockStore.VolumeSpec spec = new BlockStore.VolumeSpec(
                name, ImageReference.parse(image), FsType.parse(fs), size == null ? 0 : size, readOnly);
        ConsoleProgress progress = ConsoleProgress.forStdout();
        long t0 = System.nanoTime();
        BlockStore.Volume v;
        try {
            v = s.engine().createVolume(spec, s.credentials(), progress);
        } finally {
            progress.finish();
        }
        out().printf(
                        "%s created from %s (%s, %s%s) in %.0f ms%n",
                        v.id(),
                        v.image(),
                        v.fsType().id(),
                        Sizes.format(v.sizeBytes()),
                        v.readOnly() ? ", read-only" : "",
                        (System.nanoTime() - t0) / 1e6);
        return 0;
    }
}
