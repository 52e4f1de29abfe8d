package io.unibloc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.blockstore.BlockStore;
import io.unibloc.blockstore.BlockStore.VolumeSpec;
import io.unibloc.blockstore.DefaultBlockStore;
import io.unibloc.blockstore.StoreConfig;
import io.unibloc.registry.auth.RegistryCredentials;
import io.unibloc.registry.ref.ImageReference;
import io.unibloc.testkit.image.TestImage;
import io.unibloc.testkit.image.TestLayer;
import io.unibloc.types.FsType;
import io.unibloc.types.WriteMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code unibloc df} on a store with a persistent and an ephemeral volume of one image, after the ephemeral one's
 * real loop device was read: both modes in the counts and the table, the ephemeral line, and the page cache line
 * whose chain figure holds what the read brought in.
 */
class CliDfIT {
    private static final long MIB = 1L << 20;
    private static final int DATA_MIB = 8;

    @TempDir
    Path tmp;

    private final List<String> cleanup = new ArrayList<>();

    private CliHarness unibloc(String... args) {
        List<String> all =
                new ArrayList<>(List.of("--store", tmp.resolve("store").toString(), "--backend", "copy"));
        all.addAll(List.of(args));
        return CliHarness.run(all.toArray(String[]::new));
    }

    @AfterEach
    void removeVolumes() {
        for (String v : cleanup) {
            unibloc("volume", "rm", "--force", v);
        }
    }

    @Test
    void dfShowsBothModesTheEphemeralVolumesAndThePageCacheTheirReadsFilled() throws Exception {
        ImageReference ref = image();
        cleanup.addAll(List.of("vol-p", "vol-e"));
        String device;
        // the command line creates persistent volumes only: the ephemeral one comes through the engine's API
        try (DefaultBlockStore store = DefaultBlockStore.open(
                StoreConfig.defaults(tmp.resolve("store")).withBackend(StoreConfig.Backend.COPY))) {
            store.createVolume(
                    new VolumeSpec("vol-p", ref, FsType.EXT4, 64 * MIB, 0, false, WriteMode.PERSISTENT),
                    RegistryCredentials.NONE,
                    BlockStore.Progress.NONE);
            store.createVolume(
                    new VolumeSpec("vol-e", ref, FsType.EXT4, 96 * MIB, 0, false, WriteMode.EPHEMERAL),
                    RegistryCredentials.NONE,
                    BlockStore.Progress.NONE);
            device = store.attach("vol-e", BlockStore.AttachOptions.DEFAULT).device();
        }
        try (Stream<Path> files = Files.walk(tmp.resolve("store"))) {
            for (Path img : files.filter(p -> p.toString().endsWith(".img")).toList()) {
                run("sync", img.toString());
                run("dd", "if=" + img, "iflag=nocache", "count=0", "status=none"); // drops its clean pages
            }
        }
        run("dd", "if=" + device, "of=/dev/null", "bs=1M", "status=none");

        CliHarness df = unibloc("df");

        assertThat(df.exit()).as(df.err()).isZero();
        String out = df.out();
        System.out.print(out);
        assertThat(out).contains("volumes 2 (persistent 1, ephemeral 1)");
        assertThat(out).contains("ephemeral  1 volume(s), 96.0 MiB seen by their guests");
        Matcher cache = Pattern.compile(
                        "page cache (.+) \\(chains (.+), persistent volumes (.+), backend file (.+), blobs (.+)\\)")
                .matcher(out);
        assertThat(cache.find()).as(out).isTrue();
        assertThat(Sizes.parse(cache.group(2)))
                .as("chains: the ephemeral device's reads, %s", out)
                .isGreaterThanOrEqualTo(DATA_MIB * MIB);
        assertThat(cache.group(4)).as("the copy backend has no file of its own").isEqualTo("0 B");
        assertThat(out).containsPattern("vol-p +persistent +64\\.0 MiB");
        assertThat(out).containsPattern("vol-e +ephemeral +96\\.0 MiB");
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).inheritIO().start();
        assertThat(p.waitFor()).as(String.join(" ", command)).isZero();
    }

    private ImageReference image() {
        Path layout = tmp.resolve("layout");
        TestImage.builder().layer(TestLayer.randomData(DATA_MIB, 11)).build().writeLayout(layout, "1");
        return ImageReference.parse("oci:" + layout + ":1");
    }
}
