package io.unibloc.csi.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import csi.v1.Csi;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.unibloc.api.v1alpha1.BlockVolume;
import io.unibloc.api.v1alpha1.NodeStore;
import io.unibloc.csi.common.CsiNames;
import io.unibloc.csi.node.HostState;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A volume's life as a cluster lives it, over the real sockets with the real store: the provisioner creates, kubelet
 * stages and publishes, a "guest" writes through the published device, and everything is undone; each call three
 * times, concurrent calls on one volume, read-only paths, deletion while attached. Prints stage/publish latency.
 */
class VolumeLifecycleIT {
    private static DriverRig rig;

    @BeforeAll
    static void start() throws Exception {
        rig = new DriverRig();
    }

    @AfterAll
    static void stop() throws Exception {
        rig.close();
    }

    private static BlockVolume record(String id) {
        return rig.client.resources(BlockVolume.class).withName(id).get();
    }

    @Test
    void createStagePublishWriteAndTearDownEachCallThreeTimes() throws Exception {
        Csi.CreateVolumeRequest request = rig.createRequest("pvc-life").build();
        List<Csi.Volume> created = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            created.add(rig.provision(request));
        }
        assertThat(created).allSatisfy(v -> assertThat(v).isEqualTo(created.get(0)));
        Csi.Volume volume = created.get(0);
        assertThat(volume.getVolumeContextMap().get(CsiNames.CONTEXT_IMAGE))
                .isEqualTo(rig.image.pinnedReference().replace("@", ":1.0@"));
        assertThat(volume.getCapacityBytes()).isEqualTo(64L << 20);
        assertThat(record("pvc-life").getStatus().getTimings().getTotalMillis()).isNotNull();

        String id = volume.getVolumeId();
        rig.kubeletPrepares(id, "pod-1");
        long[] stageMs = new long[3];
        for (int i = 0; i < 3; i++) {
            long t = System.nanoTime();
            rig.kubelet.nodeStageVolume(rig.stage(id));
            stageMs[i] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t);
        }
        String device = rig.store.findVolume(id).orElseThrow().device().orElseThrow();
        long[] publishMs = new long[3];
        for (int i = 0; i < 3; i++) {
            long t = System.nanoTime();
            rig.kubelet.nodePublishVolume(rig.publish(id, "pod-1"));
            publishMs[i] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t);
        }
        Path target = rig.targetPath(id, "pod-1");
        // The published file is the volume: its ext4 superblock magic is where ext4 keeps it, and writes land on the
        // device.
        assertThat(readAt(target, 1024 + 0x38, 2)).containsExactly(0x53, 0xEF);
        writeAt(target, 60L << 20, "written by the guest");
        assertThat(new String(readAt(Path.of(device), 60L << 20, 20), StandardCharsets.UTF_8))
                .isEqualTo("written by the guest");

        Csi.NodeGetVolumeStatsResponse stats = rig.kubelet.nodeGetVolumeStats(Csi.NodeGetVolumeStatsRequest.newBuilder()
                .setVolumeId(id)
                .setVolumePath(target.toString())
                .build());
        assertThat(stats.getUsage(0).getTotal()).isEqualTo(64L << 20);

        for (int i = 0; i < 3; i++) {
            rig.kubelet.nodeUnpublishVolume(rig.unpublish(id, "pod-1"));
        }
        assertThat(target).doesNotExist();
        for (int i = 0; i < 3; i++) {
            rig.kubelet.nodeUnstageVolume(rig.unstage(id));
        }
        assertThat(rig.store.findVolume(id).orElseThrow().device()).isEmpty();
        for (int i = 0; i < 3; i++) {
            rig.provisioner.deleteVolume(
                    Csi.DeleteVolumeRequest.newBuilder().setVolumeId(id).build());
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> record(id) == null);
        assertThat(rig.store.findVolume(id)).isEmpty();
        System.out.printf(
                "FIGURES stage ms (first, repeat, repeat) = %s; publish ms = %s%n",
                Arrays.toString(stageMs), Arrays.toString(publishMs));
    }

    @Test
    void concurrentStageAndPublishCallsOnOneVolume() throws Exception {
        String id = rig.provision(rig.createRequest("pvc-concurrent").build()).getVolumeId();
        rig.kubeletPrepares(id, "pod-c");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Object>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                calls.add(pool.submit((Callable<Object>) () -> rig.kubelet.nodeStageVolume(rig.stage(id))));
            }
            for (Future<Object> f : calls) {
                f.get(60, TimeUnit.SECONDS);
            }
            calls.clear();
            for (int i = 0; i < 4; i++) {
                calls.add(
                        pool.submit((Callable<Object>) () -> rig.kubelet.nodePublishVolume(rig.publish(id, "pod-c"))));
            }
            for (Future<Object> f : calls) {
                f.get(60, TimeUnit.SECONDS);
            }
            String device = rig.store.findVolume(id).orElseThrow().device().orElseThrow();
            assertThat(io.unibloc.blockstore.fs.MountTable.read())
                    .filteredOn(m -> m.mountPoint().equals(rig.targetPath(id, "pod-c")))
                    .hasSize(1);
            calls.clear();
            for (int i = 0; i < 4; i++) {
                calls.add(pool.submit(
                        (Callable<Object>) () -> rig.kubelet.nodeUnpublishVolume(rig.unpublish(id, "pod-c"))));
            }
            for (Future<Object> f : calls) {
                f.get(60, TimeUnit.SECONDS);
            }
            assertThat(rig.targetPath(id, "pod-c")).doesNotExist();
            assertThat(HostState.loopsBackedBy(device)).isEmpty();
        } finally {
            pool.shutdownNow();
        }
        rig.kubelet.nodeUnstageVolume(rig.unstage(id));
        rig.provisioner.deleteVolume(
                Csi.DeleteVolumeRequest.newBuilder().setVolumeId(id).build());
    }

    @Test
    void readOnlyPublishAndReadOnlyVolumesRefuseWrites() throws Exception {
        String id = rig.provision(rig.createRequest("pvc-rw-shared").build()).getVolumeId();
        rig.kubeletPrepares(id, "pod-reader");
        rig.kubelet.nodeStageVolume(rig.stage(id));
        rig.kubelet.nodePublishVolume(
                rig.publish(id, "pod-reader").toBuilder().setReadonly(true).build());
        Path target = rig.targetPath(id, "pod-reader");
        assertThat(readAt(target, 1024 + 0x38, 2)).containsExactly(0x53, 0xEF);
        assertThatThrownBy(() -> writeAt(target, 0, "x")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> rig.kubelet.nodePublishVolume(rig.publish(id, "pod-reader")))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS));
        rig.kubelet.nodeUnpublishVolume(rig.unpublish(id, "pod-reader"));
        rig.kubelet.nodeUnstageVolume(rig.unstage(id));

        String ro = rig.provision(rig.createRequest("pvc-readonly")
                        .putParameters(CsiNames.PARAM_READ_ONLY, "true")
                        .build())
                .getVolumeId();
        rig.kubeletPrepares(ro, "pod-ro");
        rig.kubelet.nodeStageVolume(rig.stage(ro));
        rig.kubelet.nodePublishVolume(rig.publish(ro, "pod-ro"));
        assertThatThrownBy(() -> writeAt(rig.targetPath(ro, "pod-ro"), 0, "x")).isInstanceOf(IOException.class);
        rig.kubelet.nodeUnpublishVolume(rig.unpublish(ro, "pod-ro"));
        rig.kubelet.nodeUnstageVolume(rig.unstage(ro));
        for (String v : List.of(id, ro)) {
            rig.provisioner.deleteVolume(
                    Csi.DeleteVolumeRequest.newBuilder().setVolumeId(v).build());
        }
    }

    @Test
    void deletingAnAttachedVolumeIsDeferredAndLosesNoData() throws Exception {
        String id = rig.provision(rig.createRequest("pvc-busy").build()).getVolumeId();
        rig.kubeletPrepares(id, "pod-b");
        rig.kubelet.nodeStageVolume(rig.stage(id));
        rig.kubelet.nodePublishVolume(rig.publish(id, "pod-b"));
        Path target = rig.targetPath(id, "pod-b");
        writeAt(target, 50L << 20, "still here");
        rig.provisioner.deleteVolume(
                Csi.DeleteVolumeRequest.newBuilder().setVolumeId(id).build());
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            BlockVolume v = record(id);
            return v != null
                    && v.getStatus().getMessage() != null
                    && v.getStatus().getMessage().startsWith("deletion deferred");
        });
        assertThat(new String(readAt(target, 50L << 20, 10), StandardCharsets.UTF_8))
                .isEqualTo("still here");
        assertThat(rig.provisioner
                        .listVolumes(Csi.ListVolumesRequest.getDefaultInstance())
                        .getEntriesList())
                .noneMatch(e -> e.getVolume().getVolumeId().equals(id));
        // Unstaging while still published is refused; kubelet unpublishes first.
        assertThatThrownBy(() -> rig.kubelet.nodeUnstageVolume(rig.unstage(id)))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
        // A deleted volume is not staged or published anew.
        assertThatThrownBy(() -> rig.kubelet.nodeStageVolume(rig.stage(id)))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        rig.kubelet.nodeUnpublishVolume(rig.unpublish(id, "pod-b"));
        rig.kubelet.nodeUnstageVolume(rig.unstage(id));
        await().atMost(Duration.ofSeconds(20)).until(() -> record(id) == null);
        assertThat(rig.store.findVolume(id)).isEmpty();
    }

    @Test
    void unknownVolumesAndWrongAccessTypes() throws Exception {
        expect(Status.Code.NOT_FOUND, () -> rig.kubelet.nodeStageVolume(rig.stage("pvc-nope")));
        expect(Status.Code.NOT_FOUND, () -> rig.kubelet.nodePublishVolume(rig.publish("pvc-nope", "pod")));
        rig.kubelet.nodeUnpublishVolume(rig.unpublish("pvc-nope", "pod"));
        rig.kubelet.nodeUnstageVolume(rig.unstage("pvc-nope"));
        Csi.VolumeCapability mount = Csi.VolumeCapability.newBuilder()
                .setMount(Csi.VolumeCapability.MountVolume.newBuilder().setFsType("ext4"))
                .setAccessMode(DriverRig.RWO.getAccessMode())
                .build();
        expect(
                Status.Code.INVALID_ARGUMENT,
                () -> rig.provisioner.createVolume(rig.createRequest("pvc-mount")
                        .clearVolumeCapabilities()
                        .addVolumeCapabilities(mount)
                        .build()));
        expect(
                Status.Code.INVALID_ARGUMENT,
                () -> rig.kubelet.nodeStageVolume(rig.stage("pvc-nope").toBuilder()
                        .setVolumeCapability(mount)
                        .build()));
        expect(
                Status.Code.INVALID_ARGUMENT,
                () -> rig.kubelet.nodePublishVolume(rig.publish("pvc-nope", "pod").toBuilder()
                        .setVolumeCapability(mount)
                        .build()));
        expect(
                Status.Code.NOT_FOUND,
                () -> rig.provisioner.createVolume(rig.createRequest("pvc-no-such-tag")
                        .putParameters(CsiNames.PARAM_IMAGE, rig.registry.hostPort() + "/apps/hello:no-such-tag")
                        .build()));
        assertThat(rig.client.resources(BlockVolume.class).withName("pvc-mount").get())
                .isNull();
    }

    @Test
    void aFailingImageIsAFinalErrorWithTheNodesMessage() {
        // A pinned digest the registry does not have: the controller cannot tell, the node's pull fails for good.
        String missing = rig.registry.hostPort() + "/apps/hello@sha256:" + "0".repeat(64);
        StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(
                StatusRuntimeException.class,
                () -> rig.provision(rig.createRequest("pvc-missing-digest")
                        .putParameters(CsiNames.PARAM_IMAGE, missing)
                        .build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(e.getStatus().getDescription()).contains("node-a");
        await().atMost(Duration.ofSeconds(20)).until(() -> record("pvc-missing-digest") == null);
    }

    @Test
    void theNodeReportsItsStoreForCapacityAndNodeChoice() {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> rig.client
                                .resources(NodeStore.class)
                                .withName(DriverRig.NODE)
                                .get()
                        != null);
        NodeStore ns =
                rig.client.resources(NodeStore.class).withName(DriverRig.NODE).get();
        assertThat(ns.getStatus().getBackend()).isNotBlank();
        assertThat(ns.getStatus().getFreeBytes()).isPositive();
        Csi.GetCapacityResponse capacity = rig.provisioner.getCapacity(Csi.GetCapacityRequest.newBuilder()
                .addVolumeCapabilities(DriverRig.RWO)
                .setAccessibleTopology(Csi.Topology.newBuilder().putSegments(CsiNames.TOPOLOGY_KEY, DriverRig.NODE))
                .build());
        assertThat(capacity.getAvailableCapacity()).isPositive().isLessThanOrEqualTo(2L << 30);
        System.out.printf(
                "FIGURES store backend=%s capacity=%d free=%d%n",
                ns.getStatus().getBackend(),
                ns.getStatus().getCapacityBytes(),
                ns.getStatus().getFreeBytes());
    }

    private static void expect(Status.Code code, Runnable call) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode())
                                .as(e.getStatus().toString())
                                .isEqualTo(code));
    }

    static void writeAt(Path path, long offset, String text) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
            f.seek(offset);
            f.write(text.getBytes(StandardCharsets.UTF_8));
            f.getFD().sync();
        }
    }

    static byte[] readAt(Path path, long offset, int length) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "r")) {
            byte[] buf = new byte[length];
            f.seek(offset);
            f.readFully(buf);
            return buf;
        }
    }
}
