package io.unibloc.csi.node;

import static io.unibloc.csi.node.NodeHarness.NODE;
import static io.unibloc.csi.node.NodeHarness.RWO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import csi.v1.Csi;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.unibloc.api.v1alpha1.BlockVolume;
import io.unibloc.api.v1alpha1.BlockVolumePhase;
import io.unibloc.csi.common.CsiNames;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The Node service over a real UNIX socket as kubelet calls it, with the in-memory store double and the mock API server. */
class NodeServiceTest {
    private static MockApi api;
    private static KubernetesClient client;
    // One node plugin for the class (starting one costs about a second); every test uses its own volume ids.
    private static FakeBlockStore store;
    private static NodeHarness h;

    @BeforeAll
    static void start() throws Exception {
        api = new MockApi();
        client = api.client;
        store = new FakeBlockStore();
        h = new NodeHarness(client, store);
        readyVolume("pvc-a");
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
        api.close();
    }

    @AfterEach
    void hookOff() {
        store.createHook = spec -> null;
        store.attachHook = () -> {};
    }

    private static BlockVolume readyVolume(String id) {
        NodeHarness.record(client, id, NODE, "127.0.0.1:5000/app@sha256:" + "ab".repeat(32), 8L << 20, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> phase(id) == BlockVolumePhase.Ready);
        return client.resources(BlockVolume.class).withName(id).get();
    }

    private static BlockVolumePhase phase(String id) {
        BlockVolume v = client.resources(BlockVolume.class).withName(id).get();
        return v == null || v.getStatus() == null ? null : v.getStatus().getPhase();
    }

    @Test
    void infoCapabilitiesAndProbe() {
        Csi.NodeGetInfoResponse info = h.node.nodeGetInfo(Csi.NodeGetInfoRequest.getDefaultInstance());
        assertThat(info.getNodeId()).isEqualTo(NODE);
        assertThat(info.getAccessibleTopology().getSegmentsMap()).containsEntry(CsiNames.TOPOLOGY_KEY, NODE);
        assertThat(info.getMaxVolumesPerNode()).isNotNegative();
        assertThat(h.node.nodeGetCapabilities(Csi.NodeGetCapabilitiesRequest.getDefaultInstance())
                        .getCapabilitiesList())
                .extracting(c -> c.getRpc().getType())
                .containsExactlyInAnyOrder(
                        Csi.NodeServiceCapability.RPC.Type.STAGE_UNSTAGE_VOLUME,
                        Csi.NodeServiceCapability.RPC.Type.GET_VOLUME_STATS);
        assertThat(h.identity
                        .getPluginInfo(Csi.GetPluginInfoRequest.getDefaultInstance())
                        .getName())
                .isEqualTo(CsiNames.DRIVER_NAME);
        assertThat(h.identity
                        .probe(Csi.ProbeRequest.getDefaultInstance())
                        .getReady()
                        .getValue())
                .isTrue();
        assertCode(
                Status.Code.UNIMPLEMENTED,
                () -> h.node.nodeExpandVolume(Csi.NodeExpandVolumeRequest.newBuilder()
                        .setVolumeId("pvc-x")
                        .build()));
    }

    static Stream<Arguments> hostileRequests() {
        return Stream.of(
                arg(
                        "stage: no volume_id",
                        h -> h.node.nodeStageVolume(
                                h.stage("pvc-a").toBuilder().clearVolumeId().build()),
                        "volume_id"),
                arg(
                        "stage: path in volume_id",
                        h -> h.node.nodeStageVolume(h.stage("pvc-a").toBuilder()
                                .setVolumeId("../../etc/passwd")
                                .build()),
                        "volume_id"),
                arg(
                        "stage: upper-case volume_id",
                        h -> h.node.nodeStageVolume(h.stage("pvc-a").toBuilder()
                                .setVolumeId("PVC-A")
                                .build()),
                        "volume_id"),
                arg(
                        "stage: overlong volume_id",
                        h -> h.node.nodeStageVolume(h.stage("pvc-a").toBuilder()
                                .setVolumeId("a".repeat(64))
                                .build()),
                        "volume_id"),
                arg(
                        "stage: newline in volume_id",
                        h -> h.node.nodeStageVolume(h.stage("pvc-a").toBuilder()
                                .setVolumeId("pvc\n-a")
                                .build()),
                        "volume_id"),
                arg(
                        "stage: no staging path",
                        h -> h.node.nodeStageVolume(h.stage("pvc-a").toBuilder()
                                .clearStagingTargetPath()
                                .build()),
                        "staging_target_path"),
                arg(
                        "stage: relative staging path",
                        h -> h.node.nodeStageVolume(h.stage("pvc-a").toBuilder()
                                .setStagingTargetPath("staging/x")
                                .build()),
                        "staging_target_path"),
                arg(
                        "stage: dot-dot in staging path",
                        h -> h.node.nodeStageVolume(h.stage("pvc-a").toBuilder()
                                .setStagingTargetPath(h.kubelet() + "/../store/x")
                                .build()),
                        "staging_target_path"),
                arg(
                        "stage: no capability",
                        h -> h.node.nodeStageVolume(h.stage("pvc-a").toBuilder()
                                .clearVolumeCapability()
                                .build()),
                        "volume_capability"),
                arg(
                        "stage: mount capability",
                        h -> h.node.nodeStageVolume(h.stage("pvc-a").toBuilder()
                                .setVolumeCapability(Csi.VolumeCapability.newBuilder()
                                        .setMount(Csi.VolumeCapability.MountVolume.getDefaultInstance())
                                        .setAccessMode(RWO.getAccessMode()))
                                .build()),
                        "mount"),
                arg(
                        "stage: multi-node mode",
                        h -> h.node.nodeStageVolume(h.stage("pvc-a").toBuilder()
                                .setVolumeCapability(
                                        NodeHarness.block(Csi.VolumeCapability.AccessMode.Mode.MULTI_NODE_READER_ONLY))
                                .build()),
                        "MULTI_NODE_READER_ONLY"),
                arg(
                        "unstage: no volume_id",
                        h -> h.node.nodeUnstageVolume(
                                h.unstage("pvc-a").toBuilder().clearVolumeId().build()),
                        "volume_id"),
                arg(
                        "unstage: no staging path",
                        h -> h.node.nodeUnstageVolume(h.unstage("pvc-a").toBuilder()
                                .clearStagingTargetPath()
                                .build()),
                        "staging_target_path"),
                arg(
                        "publish: no volume_id",
                        h -> h.node.nodePublishVolume(h.publish("pvc-a", "pod").toBuilder()
                                .clearVolumeId()
                                .build()),
                        "volume_id"),
                arg(
                        "publish: no target",
                        h -> h.node.nodePublishVolume(h.publish("pvc-a", "pod").toBuilder()
                                .clearTargetPath()
                                .build()),
                        "target_path"),
                arg(
                        "publish: target into the store",
                        h -> h.node.nodePublishVolume(h.publish("pvc-a", "pod").toBuilder()
                                .setTargetPath(h.dir.resolve("store")
                                        .resolve("volumes")
                                        .resolve("x")
                                        .toString())
                                .build()),
                        "target_path"),
                arg(
                        "publish: target in /etc",
                        h -> h.node.nodePublishVolume(h.publish("pvc-a", "pod").toBuilder()
                                .setTargetPath("/etc/shadow")
                                .build()),
                        "target_path"),
                arg(
                        "publish: target in /dev",
                        h -> h.node.nodePublishVolume(h.publish("pvc-a", "pod").toBuilder()
                                .setTargetPath("/dev/sda")
                                .build()),
                        "target_path"),
                arg(
                        "publish: target through a symlink into the store",
                        h -> {
                            try {
                                Files.createDirectories(h.dir.resolve("store"));
                                Files.deleteIfExists(h.kubelet().resolve("sneaky"));
                                Files.createSymbolicLink(h.kubelet().resolve("sneaky"), h.dir.resolve("store"));
                            } catch (java.io.IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                            return h.node.nodePublishVolume(h.publish("pvc-a", "pod").toBuilder()
                                    .setTargetPath(h.kubelet()
                                            .resolve("sneaky")
                                            .resolve("pod")
                                            .toString())
                                    .build());
                        },
                        "target_path"),
                arg(
                        "publish: doubled slash",
                        h -> h.node.nodePublishVolume(h.publish("pvc-a", "pod").toBuilder()
                                .setTargetPath(h.kubelet() + "//publish/pod")
                                .build()),
                        "target_path"),
                arg(
                        "publish: no staging path",
                        h -> h.node.nodePublishVolume(h.publish("pvc-a", "pod").toBuilder()
                                .clearStagingTargetPath()
                                .build()),
                        "staging_target_path"),
                arg(
                        "publish: no capability",
                        h -> h.node.nodePublishVolume(h.publish("pvc-a", "pod").toBuilder()
                                .clearVolumeCapability()
                                .build()),
                        "volume_capability"),
                arg(
                        "unpublish: no volume_id",
                        h -> h.node.nodeUnpublishVolume(h.unpublish("pvc-a", "pod").toBuilder()
                                .clearVolumeId()
                                .build()),
                        "volume_id"),
                arg(
                        "unpublish: no target",
                        h -> h.node.nodeUnpublishVolume(h.unpublish("pvc-a", "pod").toBuilder()
                                .clearTargetPath()
                                .build()),
                        "target_path"),
                arg(
                        "unpublish: target is /proc",
                        h -> h.node.nodeUnpublishVolume(h.unpublish("pvc-a", "pod").toBuilder()
                                .setTargetPath("/proc/1/root")
                                .build()),
                        "target_path"),
                arg(
                        "unpublish: outside kubelet dir",
                        h -> h.node.nodeUnpublishVolume(h.unpublish("pvc-a", "pod").toBuilder()
                                .setTargetPath("/tmp/elsewhere")
                                .build()),
                        "target_path"),
                arg(
                        "stats: no volume_id",
                        h -> h.node.nodeGetVolumeStats(Csi.NodeGetVolumeStatsRequest.newBuilder()
                                .setVolumePath("/x")
                                .build()),
                        "volume_id"),
                arg(
                        "stats: no path",
                        h -> h.node.nodeGetVolumeStats(Csi.NodeGetVolumeStatsRequest.newBuilder()
                                .setVolumeId("pvc-a")
                                .build()),
                        "volume_path"));
    }

    private static Arguments arg(String name, Function<NodeHarness, Object> call, String named) {
        return Arguments.of(name, call, named);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileRequests")
    void invalidAndHostileRequestsAreRefusedNamingTheField(
            String name, Function<NodeHarness, Object> call, String named) {
        assertThatThrownBy(() -> call.apply(h)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).contains(named);
        });
        assertThat(store.volumes.get("pvc-a").device()).isEmpty();
    }

    @Test
    void stagingUnknownForeignFailedOrPreparingVolumes() {
        assertCode(Status.Code.NOT_FOUND, () -> h.node.nodeStageVolume(h.stage("pvc-unknown")));
        NodeHarness.record(client, "pvc-elsewhere", "node-b", "127.0.0.1:5000/app@sha256:" + "ab".repeat(32), 0, false);
        assertCode(Status.Code.NOT_FOUND, () -> h.node.nodeStageVolume(h.stage("pvc-elsewhere")));

        NodeHarness.record(client, "pvc-bad", NODE, "127.0.0.1:5000/missing@sha256:" + "ab".repeat(32), 0, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> phase("pvc-bad") == BlockVolumePhase.Failed);
        assertCode(Status.Code.FAILED_PRECONDITION, () -> h.node.nodeStageVolume(h.stage("pvc-bad")));

        CountDownLatch release = new CountDownLatch(1);
        store.createHook = spec -> {
            if (spec.id().equals("pvc-slow")) {
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return null;
        };
        NodeHarness.record(client, "pvc-slow", NODE, "127.0.0.1:5000/app@sha256:" + "ab".repeat(32), 0, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> phase("pvc-slow") == BlockVolumePhase.Preparing);
        assertCode(Status.Code.UNAVAILABLE, () -> h.node.nodeStageVolume(h.stage("pvc-slow")));
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> phase("pvc-slow") == BlockVolumePhase.Ready);
        h.node.nodeStageVolume(h.stage("pvc-slow"));
        assertThat(store.volumes.get("pvc-slow").device()).isPresent();
    }

    @Test
    void stageAndUnstageAreIdempotent() {
        readyVolume("pvc-idem");
        for (int i = 0; i < 3; i++) {
            h.node.nodeStageVolume(h.stage("pvc-idem"));
        }
        String device = store.volumes.get("pvc-idem").device().orElseThrow();
        h.node.nodeStageVolume(h.stage("pvc-idem"));
        assertThat(store.volumes.get("pvc-idem").device()).contains(device);
        for (int i = 0; i < 3; i++) {
            h.node.nodeUnstageVolume(h.unstage("pvc-idem"));
        }
        assertThat(store.volumes.get("pvc-idem").device()).isEmpty();
        h.node.nodeUnstageVolume(h.unstage("pvc-never-existed"));
    }

    @Test
    void concurrentStagesOfOneVolumeAttachOnceAndNeverOverlap() throws Exception {
        readyVolume("pvc-race");
        int before = store.attaches.get();
        int overlapsBefore = store.overlaps.get();
        // A slow attach: without the volume lock, the six calls would be inside the store together.
        store.attachHook = () -> sleep(100);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                calls.add(pool.submit(() -> h.node.nodeStageVolume(h.stage("pvc-race"))));
            }
            for (Future<?> f : calls) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.volumes.get("pvc-race").device()).isPresent();
        assertThat(store.attaches.get() - before).isEqualTo(1);
        assertThat(store.overlaps.get() - overlapsBefore)
                .as("attaches of one volume running at once")
                .isZero();
    }

    @Test
    void aCallWaitingForABusyVolumeGivesUpAtItsDeadlineWithAborted() throws Exception {
        readyVolume("pvc-busy");
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        store.attachHook = () -> {
            inside.countDown();
            awaitQuietly(release);
        };
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> holder = pool.submit(() -> h.node.nodeStageVolume(h.stage("pvc-busy")));
            assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
            // kubelet's retry while the first call still holds the volume: an answer before its deadline, not a queue.
            assertCode(
                    Status.Code.ABORTED,
                    () -> h.node.withDeadlineAfter(2, TimeUnit.SECONDS).nodeStageVolume(h.stage("pvc-busy")));
            release.countDown();
            holder.get(30, TimeUnit.SECONDS);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
        assertThat(store.volumes.get("pvc-busy").device()).isPresent();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void publishNeedsAStagedKnownVolume() {
        assertCode(Status.Code.NOT_FOUND, () -> h.node.nodePublishVolume(h.publish("pvc-nothing", "pod1")));
        readyVolume("pvc-unstaged");
        assertCode(Status.Code.FAILED_PRECONDITION, () -> h.node.nodePublishVolume(h.publish("pvc-unstaged", "pod1")));
        h.node.nodeUnpublishVolume(h.unpublish("pvc-unstaged", "pod1"));
        h.node.nodeUnpublishVolume(h.unpublish("pvc-nothing", "pod1"));
    }

    @Test
    void volumeStatsNeedTheVolumeWhereItIs() {
        assertCode(
                Status.Code.NOT_FOUND,
                () -> h.node.nodeGetVolumeStats(Csi.NodeGetVolumeStatsRequest.newBuilder()
                        .setVolumeId("pvc-none")
                        .setVolumePath("some/path")
                        .build()));
        assertCode(
                Status.Code.NOT_FOUND,
                () -> h.node.nodeGetVolumeStats(Csi.NodeGetVolumeStatsRequest.newBuilder()
                        .setVolumeId("../bad")
                        .setVolumePath("/x")
                        .build()));
        readyVolume("pvc-stats");
        h.node.nodeStageVolume(h.stage("pvc-stats"));
        assertCode(
                Status.Code.NOT_FOUND,
                () -> h.node.nodeGetVolumeStats(Csi.NodeGetVolumeStatsRequest.newBuilder()
                        .setVolumeId("pvc-stats")
                        .setVolumePath("some/path")
                        .build()));
        Csi.NodeGetVolumeStatsResponse stats = h.node.nodeGetVolumeStats(Csi.NodeGetVolumeStatsRequest.newBuilder()
                .setVolumeId("pvc-stats")
                .setVolumePath(store.volumes.get("pvc-stats").device().orElseThrow())
                .build());
        assertThat(stats.getUsage(0).getUnit()).isEqualTo(Csi.VolumeUsage.Unit.BYTES);
        assertThat(stats.getUsage(0).getTotal()).isEqualTo(16L << 20);
    }

    @Test
    void aVolumeTheStoreLostIsNotFoundNeverUnknown() {
        readyVolume("pvc-lost");
        store.volumes.remove("pvc-lost");
        assertCode(Status.Code.NOT_FOUND, () -> h.node.nodePublishVolume(h.publish("pvc-lost", "pod")));
    }

    static void assertCode(Status.Code code, Runnable call) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode())
                                .as(e.getStatus().toString())
                                .isEqualTo(code));
    }
}
