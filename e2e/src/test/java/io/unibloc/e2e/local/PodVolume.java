package io.unibloc.e2e.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import csi.v1.Csi;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.unibloc.api.v1alpha1.BlockVolume;
import io.unibloc.api.v1alpha1.BlockVolumePhase;
import io.unibloc.api.v1alpha1.BlockVolumeSpec;
import io.unibloc.api.v1alpha1.BlockVolumeStatus;
import io.unibloc.api.v1alpha1.BlockVolumeTimings;
import io.unibloc.blockstore.BlockStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * One Pod's volume through its whole life on the node: the BlockVolume record the CSI controller writes,
 * the wait for the node plugin to make it Ready, stage and publish as kubelet does, then unpublish, unstage
 * and deletion of the record, checking after each step that nothing of the volume is left: no mount at its
 * target, no loop device on its clone or on its staged device, no clone in the store, no record.
 * {@link #close()} undoes whatever a failed test left, without asserting.
 */
final class PodVolume implements AutoCloseable {
    static final Duration READY_TIMEOUT = Duration.ofMinutes(5);
    static final Duration DELETE_TIMEOUT = Duration.ofMinutes(1);

    private final LocalNode node;
    private final String id = "pvc-" + UUID.randomUUID();
    private final String podUid = UUID.randomUUID().toString();
    private final String fsType;
    private boolean recorded;
    private boolean staged;
    private boolean published;
    private String stagedDevice;
    private Duration ready;
    private Duration stage;
    private Duration publish;
    private BlockVolumeTimings preparation;

    private PodVolume(LocalNode node, String fsType) {
        this.node = node;
        this.fsType = fsType;
    }

    /**
     * Records the volume as the CSI controller's CreateVolume does (name = volume id, node label, storage
     * finalizer, pinned image, phase Pending) and waits until the node plugin reports Ready.
     */
    static PodVolume provision(LocalNode node, String fsType, long sizeBytes) {
        PodVolume volume = new PodVolume(node, fsType);
        try {
            volume.record(sizeBytes);
            volume.awaitReady();
            return volume;
        } catch (RuntimeException | Error e) {
            volume.close();
            throw e;
        }
    }

    private void record(long sizeBytes) {
        BlockVolumeSpec spec = new BlockVolumeSpec();
        spec.setRequestName(id);
        spec.setNode(LocalNode.NODE_ID);
        spec.setImage(node.image.pushed().pinnedReference());
        spec.setSourceImage(node.image.pushed().reference());
        spec.setFsType(fsType);
        spec.setSizeBytes(sizeBytes);
        spec.setReadOnly(false);
        spec.setPvcNamespace("default");
        spec.setPvcName("guest-" + id.substring(4, 12));
        BlockVolume record = new BlockVolume();
        record.setMetadata(new ObjectMetaBuilder()
                .withName(id)
                .withLabels(Map.of(BlockVolume.NODE_LABEL, LocalNode.NODE_ID))
                .withFinalizers(BlockVolume.STORAGE_FINALIZER)
                .build());
        record.setSpec(spec);
        BlockVolumeStatus status = new BlockVolumeStatus();
        status.setPhase(BlockVolumePhase.Pending);
        record.setStatus(status);
        node.client.resources(BlockVolume.class).resource(record).create();
        recorded = true;
    }

    private void awaitReady() {
        long start = System.nanoTime();
        await("BlockVolume " + id + " leaves Pending/Preparing")
                .atMost(READY_TIMEOUT)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> phase().filter(p -> p == BlockVolumePhase.Ready || p == BlockVolumePhase.Failed)
                        .isPresent());
        ready = Duration.ofNanos(System.nanoTime() - start);
        BlockVolumeStatus status = fetch().orElseThrow().getStatus();
        assertThat(status.getPhase())
                .as("volume %s: %s", id, status.getMessage())
                .isEqualTo(BlockVolumePhase.Ready);
        preparation = status.getTimings();
        assertThat(disk()).as("the clone of volume %s", id).isRegularFile();
    }

    /** NodeStageVolume then NodePublishVolume, both for block access, as kubelet calls them before the Pod starts. */
    void stageAndPublish(boolean readOnly) throws Exception {
        Csi.VolumeCapability rwo = Kubelet.block(Csi.VolumeCapability.AccessMode.Mode.SINGLE_NODE_WRITER);
        stage = node.kubelet.stage(id, rwo);
        staged = true;
        stagedDevice = node.store
                .findVolume(id)
                .flatMap(BlockStore.Volume::device)
                .orElseThrow(() -> new AssertionError("volume " + id + " has no device after NodeStageVolume"));
        assertThat(HostState.loopsBackedBy(disk()))
                .as("losetup -j on the clone after staging")
                .contains(stagedDevice);
        publish = node.kubelet.publish(id, podUid, rwo, readOnly);
        published = true;
        assertThat(HostState.mountsUnder(target()))
                .as("the bind mount at the target")
                .containsExactly(target());
    }

    /** NodeUnpublish, NodeUnstage and deletion of the record, checking that each leaves nothing behind. */
    void tearDown() throws Exception {
        String overlay = overlayDevice().orElse(null);
        node.kubelet.unpublish(id, podUid);
        published = false;
        assertThat(HostState.mountsUnder(node.kubeletDir))
                .as("mounts under kubelet's directory after unpublish")
                .isEmpty();
        assertThat(target()).as("the target file after unpublish").doesNotExist();
        assertThat(HostState.loops())
                .as("read-only overlays (was: %s) on %s after unpublish", overlay, stagedDevice)
                .noneMatch(loop -> loop.backingFile().equals(stagedDevice));

        node.kubelet.unstage(id);
        staged = false;
        assertThat(HostState.loopsBackedBy(disk()))
                .as("losetup -j on the clone after unstaging")
                .isEmpty();
        assertThat(node.store.findVolume(id).flatMap(BlockStore.Volume::device))
                .as("device of %s after unstage", id)
                .isEmpty();

        node.client.resources(BlockVolume.class).withName(id).delete();
        await("BlockVolume " + id + " deleted")
                .atMost(DELETE_TIMEOUT)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> fetch().isEmpty());
        recorded = false;
        assertThat(node.store.findVolume(id))
                .as("volume %s in the store after deletion", id)
                .isEmpty();
        assertThat(node.volumeDir(id))
                .as("the clone's directory after deletion")
                .doesNotExist();
        List<HostState.Loop> loops = HostState.loops();
        assertThat(loops)
                .as("loop devices on the store's files (other than the store's own XFS file)")
                .noneMatch(loop -> Path.of(loop.backingFile()).startsWith(node.storeDir)
                        && !loop.backingFile().endsWith("/xfs.img"));
        assertThat(loops)
                .as("loop devices stacked on the former staged device %s", stagedDevice)
                .noneMatch(loop -> loop.backingFile().equals(stagedDevice));
        assertThat(HostState.mountsUnder(node.kubeletDir))
                .as("mounts under kubelet's directory")
                .isEmpty();
        try (var left = Files.list(node.sandboxWorkDir)) {
            assertThat(left.toList())
                    .as("sandbox work directories (extracted kernels, sockets)")
                    .isEmpty();
        }
    }

    /** The read-only loop device the publisher stacked on the staged device, if the target shows one. */
    Optional<String> overlayDevice() {
        return HostState.loops().stream()
                .filter(loop -> loop.backingFile().equals(stagedDevice))
                .map(HostState.Loop::device)
                .findFirst();
    }

    String id() {
        return id;
    }

    String fsType() {
        return fsType;
    }

    String podUid() {
        return podUid;
    }

    /** Kubelet's target path: the bind-mounted block device file the sandbox gets as its root device. */
    Path target() {
        return node.kubelet.targetPath(id, podUid);
    }

    /** The store's loop device for the volume while it is staged. */
    String stagedDevice() {
        return stagedDevice;
    }

    Path disk() {
        return node.volumeDir(id).resolve("disk.img");
    }

    /** One line with the figures of this volume's steps (the boot's are added by the caller). */
    String timings() {
        String prep = preparation == null
                ? ""
                : " (status: total=" + preparation.getTotalMillis() + "ms pull=" + preparation.getPullMillis()
                        + "ms build=" + preparation.getBuildMillis() + "ms cached=" + preparation.getCached() + ")";
        return "volume=" + id + " fs=" + fsType + " ready=" + millis(ready) + prep + " stage=" + millis(stage)
                + " publish=" + millis(publish);
    }

    private static String millis(Duration d) {
        return d == null ? "-" : d.toMillis() + "ms";
    }

    private Optional<BlockVolume> fetch() {
        return Optional.ofNullable(
                node.client.resources(BlockVolume.class).withName(id).get());
    }

    private Optional<BlockVolumePhase> phase() {
        return fetch().map(BlockVolume::getStatus).map(BlockVolumeStatus::getPhase);
    }

    /** Best effort, for failed tests: unpublish, unstage, delete the record; errors are reported, not thrown. */
    @Override
    public void close() {
        if (published) {
            attempt("unpublish", () -> node.kubelet.unpublish(id, podUid));
        }
        if (staged) {
            attempt("unstage", () -> node.kubelet.unstage(id));
        }
        if (recorded) {
            attempt("delete record", () -> {
                node.client.resources(BlockVolume.class).withName(id).delete();
                await().atMost(DELETE_TIMEOUT).until(() -> fetch().isEmpty());
            });
        }
        published = staged = recorded = false;
    }

    private interface Action {
        void run() throws Exception;
    }

    private void attempt(String what, Action action) {
        try {
            action.run();
        } catch (Exception | AssertionError e) {
            System.err.println("cleanup of volume " + id + ": " + what + " failed: " + e);
        }
    }
}
