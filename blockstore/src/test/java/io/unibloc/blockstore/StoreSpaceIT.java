package io.unibloc.blockstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.unibloc.blockstore.BlockStore.VolumeSpec;
import io.unibloc.blockstore.fs.Exec;
import io.unibloc.blockstore.fs.Mounts;
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
 * Free space and backend choice on a real, small host filesystem (a tmpfs) that holds the store: what a node
 * with a nearly full disk sees.
 */
class StoreSpaceIT {
    private static final long MIB = 1 << 20;
    private Path host;
    private Path layouts;
    private DefaultBlockStore store;

    @BeforeEach
    void setUp() throws Exception {
        host = Files.createTempDirectory("store-host-");
        layouts = Files.createTempDirectory("store-layouts-");
    }

    private void mountHost(String size) {
        Exec.check(List.of("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", host.toString()));
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (store != null) {
                store.close();
            }
        } finally {
            Mounts.unmountIfMounted(host.resolve("store/mnt"));
            Mounts.unmountIfMounted(host);
            Exec.run(List.of("rm", "-rf", host.toString(), layouts.toString()));
        }
    }

    private ImageReference image() {
        TestImage.builder()
                .layer(TestLayer.builder().file("app/main", "hello").build(Compression.GZIP))
                .build()
                .writeLayout(layouts, "v1");
        return ImageReference.parse("oci:" + layouts + ":v1");
    }

    @Test
    void anXfsFileOnAFullerHostOffersWhatTheHostHasAndRefusesVolumesThatCannotGrow() throws Exception {
        mountHost("96m");
        store = DefaultBlockStore.open(StoreConfig.defaults(host.resolve("store"))
                .withBackend(StoreConfig.Backend.XFS_LOOP)
                .withXfsLoopBytes(512 * MIB));
        long hostFree = Files.getFileStore(host).getUsableSpace();
        BlockStore.StoreUsage usage = store.usage();
        // Inside, XFS believes its sparse 512 MiB file: it would offer ~490 MiB that the host does not have.
        assertThat(usage.freeBytes()).isLessThanOrEqualTo(hostFree).isLessThan(96 * MIB);
        assertThat(usage.capacityBytes()).isGreaterThan(400 * MIB);

        ImageReference ref = image();
        assertThatThrownBy(() -> store.createVolume(
                        new VolumeSpec("too-big", ref, FsType.EXT4, 256 * MIB, false),
                        RegistryCredentials.NONE,
                        BlockStore.Progress.NONE))
                .isInstanceOfSatisfying(
                        StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.RESOURCE_EXHAUSTED))
                .hasMessageContaining("too-big")
                .hasMessageContaining("host filesystem");
        assertThat(store.findVolume("too-big")).isEmpty();

        BlockStore.Volume small = store.createVolume(
                new VolumeSpec("fits", ref, FsType.EXT4, 16 * MIB, false),
                RegistryCredentials.NONE,
                BlockStore.Progress.NONE);
        assertThat(small.sizeBytes()).isEqualTo(16 * MIB);
    }

    @Test
    void theOverprovisionRatioScalesWhatIsOffered() throws Exception {
        mountHost("96m");
        store = DefaultBlockStore.open(
                StoreConfig.defaults(host.resolve("store")).withBackend(StoreConfig.Backend.COPY));
        long plain = store.usage().freeBytes();
        store.close();
        store = DefaultBlockStore.open(StoreConfig.defaults(host.resolve("store"))
                .withBackend(StoreConfig.Backend.COPY)
                .withOverprovisionRatio(3.0));
        long scaled = store.usage().freeBytes();
        assertThat((double) scaled).isBetween(plain * 2.9, plain * 3.1);
        assertThatThrownBy(() -> StoreConfig.defaults(host).withOverprovisionRatio(0))
                .isInstanceOfSatisfying(
                        StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT));
    }

    @Test
    void automaticChoiceNeverSettlesForCopiesAndCopyIsShownWhenChosen() throws Exception {
        // Too small for mkfs.xfs to write its log, and tmpfs cannot reflink: no copy-on-write backend works here.
        mountHost("4m");
        assertThatThrownBy(() -> DefaultBlockStore.open(
                        StoreConfig.defaults(host.resolve("store")).withXfsLoopBytes(300 * MIB)))
                .isInstanceOfSatisfying(
                        StoreException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION))
                .hasMessageContaining("copy backend explicitly");
        assertThat(host.resolve("store/backend")).as("no choice recorded").doesNotExist();

        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        store = DefaultBlockStore.open(StoreConfig.defaults(host.resolve("store"))
                .withBackend(StoreConfig.Backend.COPY)
                .withMeters(meters));
        assertThat(store.backendInfo()).isEqualTo(new BlockStore.BackendInfo("copy", "configured", false));
        assertThat(meters.get("unibloc.store.backend.info")
                        .tag("backend", "copy")
                        .gauge()
                        .value())
                .isEqualTo(1.0);
    }
}
