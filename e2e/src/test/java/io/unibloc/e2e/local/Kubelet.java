package io.unibloc.e2e.local;

import csi.v1.Csi;
import csi.v1.IdentityGrpc;
import csi.v1.NodeGrpc;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Plays kubelet towards the node plugin's socket: the paths kubelet uses for {@code volumeMode: Block} CSI
 * volumes ({@code plugins/kubernetes.io/csi/volumeDevices/staging/PV} and {@code .../publish/PV/POD_UID}), the
 * directories kubelet creates before each call, and the calls in kubelet's order. Every call has a deadline.
 */
final class Kubelet {
    private static final long DEADLINE_SECONDS = 60;

    private final ManagedChannel channel;
    private final Path volumeDevices;

    Kubelet(ManagedChannel channel, Path kubeletDir) {
        this.channel = channel;
        this.volumeDevices = kubeletDir.resolve("plugins/kubernetes.io/csi/volumeDevices");
    }

    IdentityGrpc.IdentityBlockingStub identity() {
        return IdentityGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    NodeGrpc.NodeBlockingStub node() {
        return NodeGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    Path stagingPath(String volumeId) {
        return volumeDevices.resolve("staging").resolve(volumeId);
    }

    Path targetPath(String volumeId, String podUid) {
        return volumeDevices.resolve("publish").resolve(volumeId).resolve(podUid);
    }

    static Csi.VolumeCapability block(Csi.VolumeCapability.AccessMode.Mode mode) {
        return Csi.VolumeCapability.newBuilder()
                .setBlock(Csi.VolumeCapability.BlockVolume.getDefaultInstance())
                .setAccessMode(Csi.VolumeCapability.AccessMode.newBuilder().setMode(mode))
                .build();
    }

    /** NodeStageVolume after creating the staging directory; returns how long the call took. */
    Duration stage(String volumeId, Csi.VolumeCapability capability) throws IOException {
        Files.createDirectories(stagingPath(volumeId));
        long start = System.nanoTime();
        node().nodeStageVolume(Csi.NodeStageVolumeRequest.newBuilder()
                .setVolumeId(volumeId)
                .setStagingTargetPath(stagingPath(volumeId).toString())
                .setVolumeCapability(capability)
                .build());
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** NodePublishVolume onto {@code publish/PV/POD_UID} (kubelet creates the parent, the driver the file). */
    Duration publish(String volumeId, String podUid, Csi.VolumeCapability capability, boolean readOnly)
            throws IOException {
        Files.createDirectories(targetPath(volumeId, podUid).getParent());
        long start = System.nanoTime();
        node().nodePublishVolume(Csi.NodePublishVolumeRequest.newBuilder()
                .setVolumeId(volumeId)
                .setStagingTargetPath(stagingPath(volumeId).toString())
                .setTargetPath(targetPath(volumeId, podUid).toString())
                .setVolumeCapability(capability)
                .setReadonly(readOnly)
                .build());
        return Duration.ofNanos(System.nanoTime() - start);
    }

    Csi.NodeGetVolumeStatsResponse volumeStats(String volumeId, String podUid) {
        return node().nodeGetVolumeStats(Csi.NodeGetVolumeStatsRequest.newBuilder()
                .setVolumeId(volumeId)
                .setVolumePath(targetPath(volumeId, podUid).toString())
                .build());
    }

    void unpublish(String volumeId, String podUid) {
        node().nodeUnpublishVolume(Csi.NodeUnpublishVolumeRequest.newBuilder()
                .setVolumeId(volumeId)
                .setTargetPath(targetPath(volumeId, podUid).toString())
                .build());
    }

    /** NodeUnstageVolume, then kubelet removes the staging directory. */
    void unstage(String volumeId) throws IOException {
        node().nodeUnstageVolume(Csi.NodeUnstageVolumeRequest.newBuilder()
                .setVolumeId(volumeId)
                .setStagingTargetPath(stagingPath(volumeId).toString())
                .build());
        Files.deleteIfExists(stagingPath(volumeId));
    }
}
