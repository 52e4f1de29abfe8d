package io.unibloc.csi.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import csi.v1.Csi;
import io.unibloc.api.v1alpha1.BlockVolume;
import io.unibloc.blockstore.BlockStore;
import io.unibloc.blockstore.fs.Exec;
import io.unibloc.blockstore.host.LoopDevices;
import io.unibloc.csi.common.CsiNames;
import io.unibloc.registry.auth.RegistryCredentials;
import io.unibloc.registry.ref.ImageReference;
import io.unibloc.types.FsType;
import io.unibloc.types.WriteMode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Ephemeral volumes ({@code unibloc.io/write-mode: ephemeral}) through the real driver: the provisioner creates two
 * of one image, kubelet stages and publishes them (each call three times), both devices read the one chain inode,
 * the published devices are read-only, and unstage, delete and the orphan sweep leave no device or record behind.
 */
class EphemeralVolumeIT {
    private static DriverRig rig;

    @BeforeAll
    static void start() throws Exception {
        rig = new DriverRig();
    }

    @AfterAll
    static void stop() throws Exception {
        for (BlockStore.Volume v : rig.store.listVolumes()) {
            rig.store.detach(v.id()); // whatever a failed test left
        }
        rig.close();
    }

    private static java.util.Optional<String> device(String id) {
        return rig.store.findVolume(id).flatMap(BlockStore.Volume::device);
    }

    private Csi.Volume provisionEphemeral(String name) {
        return rig.provision(rig.createRequest(name)
                .putParameters(CsiNames.PARAM_WRITE_MODE, "ephemeral")
                .build());
    }

    @Test
    void twoEphemeralVolumesOfOneImageReadOneInodeThroughReadOnlyDevicesAndLeaveNothingBehind() throws Exception {
        List<String> ids = List.of("pvc-eph-a", "pvc-eph-b");
        for (String name : ids) {
            Csi.Volume first = provisionEphemeral(name);
            assertThat(provisionEphemeral(name)).isEqualTo(first);
            assertThat(provisionEphemeral(name)).isEqualTo(first);
            assertThat(first.getVolumeContextMap()).containsEntry(CsiNames.CONTEXT_WRITE_MODE, "ephemeral");
            assertThat(rig.store.findVolume(name))
                    .as("an ephemeral record, no clone")
                    .hasValueSatisfying(v -> assertThat(v.writeMode()).isEqualTo(WriteMode.EPHEMERAL));
            rig.kubeletPrepares(name, "pod-" + name);
            for (int i = 0; i < 3; i++) {
                rig.kubelet.nodeStageVolume(rig.stage(name));
            }
            for (int i = 0; i < 3; i++) {
                rig.kubelet.nodePublishVolume(rig.publish(name, "pod-" + name));
            }
        }
        String a = device("pvc-eph-a").orElseThrow();
        String b = device("pvc-eph-b").orElseThrow();
        assertThat(a).isNotEqualTo(b);
        BlockStore.Volume record = rig.store.findVolume("pvc-eph-a").orElseThrow();
        Path chainImage = rig.storeDir().resolve("mnt/chains/" + record.chainId() + ".img");
        assertThat(LoopDevices.backingId(a))
                .as("one inode, one page cache")
                .isPresent()
                .isEqualTo(LoopDevices.backingId(b))
                .isEqualTo(LoopDevices.idOf(chainImage));
        assertThat(rig.storeDir().resolve("mnt/volumes"))
                .as("no clone was made")
                .isEmptyDirectory();

        Path target = rig.targetPath("pvc-eph-a", "pod-pvc-eph-a");
        byte[] magic = new byte[2];
        try (RandomAccessFile in = new RandomAccessFile(target.toFile(), "r")) {
            in.seek(1024 + 0x38);
            in.readFully(magic);
        }
        assertThat(magic).containsExactly(0x53, 0xEF);
        assertThatThrownBy(() -> {
                    try (RandomAccessFile out = new RandomAccessFile(target.toFile(), "rw")) {
                        out.seek(1L << 20);
                        out.write(new byte[4096]);
                        out.getFD().sync();
                    }
                })
                .as("the device is read-only")
                .isInstanceOf(IOException.class);
        Csi.NodeGetVolumeStatsResponse stats = rig.kubelet.nodeGetVolumeStats(Csi.NodeGetVolumeStatsRequest.newBuilder()
                .setVolumeId("pvc-eph-a")
                .setVolumePath(target.toString())
                .build());
        assertThat(stats.getUsage(0).getTotal()).as("the chain image's size").isEqualTo(Files.size(chainImage));
        assertThat(stats.getUsage(0).getUsed()).as("owns no blocks").isZero();

        // deletion while staged is deferred, not done under the guest
        rig.provisioner.deleteVolume(
                Csi.DeleteVolumeRequest.newBuilder().setVolumeId("pvc-eph-b").build());
        await().atMost(Duration.ofSeconds(20))
                .until(() -> rig.client
                        .resources(BlockVolume.class)
                        .withName("pvc-eph-b")
                        .get()
                        .getStatus()
                        .getMessage()
                        .contains("deferred"));
        assertThat(rig.store.findVolume("pvc-eph-b")).isPresent();

        for (String name : ids) {
            String device = device(name).orElseThrow();
            for (int i = 0; i < 3; i++) {
                rig.kubelet.nodeUnpublishVolume(rig.unpublish(name, "pod-" + name));
            }
            for (int i = 0; i < 3; i++) {
                rig.kubelet.nodeUnstageVolume(rig.unstage(name));
            }
            assertThat(device(name)).isEmpty();
            assertThat(LoopDevices.backingId(device)).as(device + " detached").isEmpty();
            for (int i = 0; i < 3; i++) {
                rig.provisioner.deleteVolume(
                        Csi.DeleteVolumeRequest.newBuilder().setVolumeId(name).build());
            }
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> ids.stream()
                        .allMatch(id -> rig.client
                                        .resources(BlockVolume.class)
                                        .withName(id)
                                        .get()
                                == null));
        assertThat(rig.store.listVolumes()).isEmpty();
    }

    /**
     * A plugin restarted in a new container: the device its predecessor staged names the link by that container's
     * path view. Stage again finds it (no second device), publish uses it, unstage detaches it.
     */
    @Test
    void aDeviceStagedByAPluginInAnotherMountNamespaceIsFoundAgain() throws Exception {
        String id = provisionEphemeral("pvc-eph-restart").getVolumeId();
        rig.kubeletPrepares(id, "pod-r");
        rig.kubelet.nodeStageVolume(rig.stage(id)); // makes the link
        rig.kubelet.nodeUnstageVolume(rig.unstage(id));
        Path other = Files.createDirectories(rig.dir.resolve("old-container-view"));
        assertThat(Exec.run(List.of(
                                "mount", "--bind", rig.storeDir().resolve("mnt").toString(), other.toString()))
                        .ok())
                .isTrue();
        String device;
        try {
            Exec.Result attached = Exec.run(List.of(
                    "losetup",
                    "--find",
                    "--show",
                    "--read-only",
                    other.resolve("ephemeral/" + id + "/chain.img").toString()));
            assertThat(attached.ok()).as(attached.output()).isTrue();
            device = attached.stdout().strip();
        } finally {
            Exec.run(List.of("umount", "--lazy", other.toString()));
        }
        try {
            rig.kubelet.nodeStageVolume(rig.stage(id));
            assertThat(device(id)).hasValue(device);
            rig.kubelet.nodePublishVolume(rig.publish(id, "pod-r"));
            rig.kubelet.nodeUnpublishVolume(rig.unpublish(id, "pod-r"));
            rig.kubelet.nodeUnstageVolume(rig.unstage(id));
            assertThat(LoopDevices.backingId(device)).as(device + " detached").isEmpty();
        } finally {
            Exec.run(List.of("losetup", "--detach", device));
        }
        rig.provisioner.deleteVolume(
                Csi.DeleteVolumeRequest.newBuilder().setVolumeId(id).build());
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        rig.client.resources(BlockVolume.class).withName(id).get() == null);
    }

    @Test
    void theOrphanSweepFreesEphemeralVolumesNoRecordOwnsButNeverAnAttachedOne() {
        ImageReference image = ImageReference.parse(rig.image.reference());
        for (String id : List.of("eph-orphan-free", "eph-orphan-busy")) {
            rig.store.createVolume(
                    new BlockStore.VolumeSpec(id, image, FsType.EXT4, 0, 0, false, WriteMode.EPHEMERAL),
                    RegistryCredentials.NONE,
                    BlockStore.Progress.NONE);
        }
        String busy = rig.store
                .attach("eph-orphan-busy", BlockStore.AttachOptions.DEFAULT)
                .device();
        try {
            assertThat(rig.node.volumes().sweepNow()).isEqualTo(1);
            assertThat(rig.store.findVolume("eph-orphan-free")).isEmpty();
            assertThat(rig.store.findVolume("eph-orphan-busy")).isPresent();
            assertThat(device("eph-orphan-busy")).hasValue(busy);
        } finally {
            rig.store.detach("eph-orphan-busy");
        }
        assertThat(rig.node.volumes().sweepNow()).isEqualTo(1);
        assertThat(rig.store.listVolumes()).isEmpty();
    }
}
