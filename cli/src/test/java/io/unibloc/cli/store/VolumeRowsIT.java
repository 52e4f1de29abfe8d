package io.unibloc.cli.store;

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
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * df's volume table on a real engine (copy backend) when a volume is deleted between {@code listVolumes} and its
 * {@code volumeStats} — the list df read is stale, the engine's NOT_FOUND is real: the row is left out and the
 * other volumes are still shown.
 */
class VolumeRowsIT {
    private static final long MIB = 1L << 20;

    @TempDir
    Path tmp;

    @Test
    void aVolumeDeletedAfterTheListingIsLeftOutAndTheOthersAreShown() {
        Path layout = tmp.resolve("layout");
        TestImage.builder().layer(TestLayer.randomData(1, 5)).build().writeLayout(layout, "1");
        ImageReference ref = ImageReference.parse("oci:" + layout + ":1");
        try (DefaultBlockStore store = DefaultBlockStore.open(
                StoreConfig.defaults(tmp.resolve("store")).withBackend(StoreConfig.Backend.COPY))) {
            for (String id : List.of("rows-kept", "rows-gone")) {
                store.createVolume(
                        new VolumeSpec(id, ref, FsType.EXT4, 16 * MIB, 0, false, WriteMode.PERSISTENT),
                        RegistryCredentials.NONE,
                        BlockStore.Progress.NONE);
            }
            List<BlockStore.Volume> listed = store.listVolumes();
            store.deleteVolume("rows-gone");

            StringWriter text = new StringWriter();
            try (PrintWriter out = new PrintWriter(text)) {
                VolumeRows.of(store, listed).print(out);
            }

            assertThat(listed).extracting(BlockStore.Volume::id).contains("rows-gone");
            assertThat(text.toString()).contains("rows-kept").doesNotContain("rows-gone");
        }
    }
}
