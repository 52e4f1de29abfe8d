package io.unibloc.blockstore.volumes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unibloc.blockstore.BlockStore;
import io.unibloc.blockstore.BlockStore.VolumeSpec;
import io.unibloc.blockstore.DefaultBlockStore;
import io.unibloc.blockstore.StoreConfig;
import io.unibloc.blockstore.fs.Exec;
import io.unibloc.blockstore.fs.Mounts;
import io.unibloc.blockstore.host.LoopDevices;
import io.unibloc.registry.auth.RegistryCredentials;
import io.unibloc.registry.ref.ImageReference;
import io.unibloc.testkit.image.Compression;
import io.unibloc.testkit.image.TestImage;
import io.unibloc.testkit.image.TestLayer;
import io.unibloc.types.ErrorKind;
import io.unibloc.types.FsType;
import io.unibloc.types.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node plugin restarted in a new container sees the store at another path (another mount namespace, another
 * bind mount) than the one the kernel recorded when it attached a volume. Here a bind mount gives the store a
 * second path; the store opened there must still find, detach and protect the attached volume.
 */
class LoopIdentityIT {
    private Path dir;
    private Path first;
    private Path second;
    private DefaultBlockStore store;

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createTempDirectory("loop-identity-");
        first = Files.createDirectories(dir.resolve("old-view"));
        second = Files.createDirectories(dir.resolve("new-view"));
        Exec.check(List.of("mount", "--bind", first.toString(), second.toString()));
    }

    @AfterEach
    void tearDown() {
        try {
            if (store != null) {
                store.listVolumes().forEach(v -> store.detach(v.id()));
                store.close();
            }
        } finally {
            // The old path view's device, if a failed assertion left it attached.
            new LoopDevices()
                    .devicesOf(first.resolve("store/volumes/root-vol/disk.img"))
                    .forEach(new LoopDevices()::detach);
            Mounts.unmountIfMounted(second);
            Exec.run(List.of("rm", "-rf", dir.toString()));
        }
    }

    @Test
    void aStoreSeenThroughAnotherPathFindsDetachesAndProtectsItsAttachedVolumes() throws Exception {
        Path layout = dir.resolve("layout");
        TestImage.builder()
                .layer(TestLayer.builder().file("app/main", "hello").build(Compression.GZIP))
                .build()
                .writeLayout(layout, "v1");
        ImageReference ref = ImageReference.parse("oci:" + layout + ":v1");
        store = DefaultBlockStore.open(
                StoreConfig.defaults(first.resolve("store")).withBackend(StoreConfig.Backend.COPY));
        store.createVolume(
                new VolumeSpec("root-vol", ref, FsType.EXT4, 0, false),
                RegistryCredentials.NONE,
                BlockStore.Progress.NONE);
        String device =
                store.attach("root-vol", BlockStore.AttachOptions.DEFAULT).device();
        store.close();

        // The "restarted plugin": same store, same files, another path to them.
        store = DefaultBlockStore.open(
                StoreConfig.defaults(second.resolve("store")).withBackend(StoreConfig.Backend.COPY));
        assertThat(store.findVolume("root-vol").orElseThrow().device()).contains(device);
        assertThat(store.listVolumes())
                .singleElement()
                .satisfies(v -> assertThat(v.device()).contains(device));
        assertThatThrownBy(() -> store.deleteVolume("root-vol"))
                .isInstanceOfSatisfying(
                        StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION));

        store.detach("root-vol");
        assertThat(Files.exists(
                        Path.of("/sys/block", Path.of(device).getFileName().toString(), "loop/backing_file")))
                .as("the device is detached, not leaked")
                .isFalse();
        store.deleteVolume("root-vol");
        assertThat(store.findVolume("root-vol")).isEmpty();
    }
}
