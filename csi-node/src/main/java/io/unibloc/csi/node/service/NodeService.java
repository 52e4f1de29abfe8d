package io.unibloc.csi.node.service;

import csi.v1.Csi;
import csi.v1.NodeGrpc;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.unibloc.api.v1alpha1.BlockVolume;
import io.unibloc.api.v1alpha1.BlockVolumePhase;
import io.unibloc.blockstore.BlockStore;
import io.unibloc.blockstore.fs.Deadlines;
import io.unibloc.csi.common.CsiNames;
import io.unibloc.csi.common.CsiVolumeIds;
import io.unibloc.csi.common.grpc.CsiErrors;
import io.unibloc.csi.common.validate.BlockCapabilities;
import io.unibloc.csi.node.publish.BlockPublisher;
import io.unibloc.csi.node.publish.PathPolicy;
import io.unibloc.csi.node.volume.VolumeLocks;
import io.unibloc.csi.node.volume.VolumeRecords;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * CSI Node: NodeGetInfo, NodeGetCapabilities (STAGE_UNSTAGE_VOLUME, GET_VOLUME_STATS), NodeStageVolume
 * (the BlockVolume is Ready: attach its clone as a loop device), NodeUnstageVolume (detach),
 * NodePublishVolume / NodeUnpublishVolume (the device at kubelet's target path) and NodeGetVolumeStats.
 * An ephemeral volume ({@code writeMode: ephemeral}) stages as its own read-only device of the shared chain image
 * and is always published read-only: the guest's writes go to its VMM's overlay, never to the device.
 * Every call validates first, is idempotent and holds the volume's lock; other RPCs are UNIMPLEMENTED.
 *
 * <p>Every call is bounded by its gRPC deadline ({@link #DEFAULT_BUDGET} when the caller sets none): waiting for
 * the volume's lock gives up with ABORTED (an operation on the volume is in progress, as CSI drivers answer), and
 * every host tool run under the lock stops at the deadline. kubelet abandons a call after about two minutes and
 * retries; without this its retries would queue behind a lock held by work nobody waits for.
 */
public final class NodeService extends NodeGrpc.NodeImplBase {
    /** Budget of a call without a deadline: about what kubelet waits before it retries. */
    static final Duration DEFAULT_BUDGET = Duration.ofMinutes(2);
    /** Kept back from the caller's deadline so that our answer, not the caller's timeout, ends the call. */
    private static final Duration DEADLINE_MARGIN = Duration.ofMillis(500);

    private final String nodeId;
    private final long maxVolumes;
    private final BlockStore store;
    private final VolumeRecords records;
    private final VolumeLocks locks;
    private final PathPolicy paths;
    private final BlockPublisher publisher;
    private final Consumer<String> afterUnstage;

    /** {@code afterUnstage} hears of every detached volume (the reconciler finishes a deferred deletion). */
    public NodeService(
            String nodeId,
            long maxVolumes,
            BlockStore store,
            VolumeRecords records,
            VolumeLocks locks,
            PathPolicy paths,
            BlockPublisher publisher,
            Consumer<String> afterUnstage) {
        this.nodeId = nodeId;
        this.maxVolumes = maxVolumes;
        this.store = store;
        this.records = records;
        this.locks = locks;
        this.paths = paths;
        this.publisher = publisher;
        this.afterUnstage = afterUnstage;
    }

    @Override
    public void nodeGetInfo(Csi.NodeGetInfoRequest request, StreamObserver<Csi.NodeGetInfoResponse> response) {
        reply(
                response,
                Csi.NodeGetInfoResponse.newBuilder()
                        .setNodeId(nodeId)
                        .setMaxVolumesPerNode(maxVolumes)
                        .setAccessibleTopology(Csi.Topology.newBuilder().putSegments(CsiNames.TOPOLOGY_KEY, nodeId))
                        .build());
    }

    @Override
    public void nodeGetCapabilities(
            Csi.NodeGetCapabilitiesRequest request, StreamObserver<Csi.NodeGetCapabilitiesResponse> response) {
        Csi.NodeGetCapabilitiesResponse.Builder out = Csi.NodeGetCapabilitiesResponse.newBuilder();
        for (Csi.NodeServiceCapability.RPC.Type type : List.of(
                Csi.NodeServiceCapability.RPC.Type.STAGE_UNSTAGE_VOLUME,
                Csi.NodeServiceCapability.RPC.Type.GET_VOLUME_STATS)) {
            out.addCapabilities(Csi.NodeServiceCapability.newBuilder()
                    .setRpc(Csi.NodeServiceCapability.RPC.newBuilder().setType(type)));
        }
        reply(response, out.build());
    }

    @Override
    public void nodeStageVolume(
            Csi.NodeStageVolumeRequest request, StreamObserver<Csi.NodeStageVolumeResponse> response) {
        String id = volumeId(request.getVolumeId());
        paths.check("staging_target_path", request.getStagingTargetPath());
        BlockCapabilities.require(
                request.hasVolumeCapability() ? request.getVolumeCapability() : null, "volume_capability");
        locked(id, () -> {
            BlockVolume record = liveRecord(id);
            if (phaseOf(record) != BlockVolumePhase.Ready) {
                // The informer may lag behind the status the controller just saw; ask the API server before refusing.
                record = records.fresh(id).orElse(record);
            }
            BlockVolumePhase phase = phaseOf(record);
            if (phase == BlockVolumePhase.Failed) {
                throw CsiErrors.precondition("volume " + id + " failed to prepare: "
                        + record.getStatus().getMessage());
            }
            if (phase != BlockVolumePhase.Ready) {
                throw Status.UNAVAILABLE
                        .withDescription("volume " + id + " is still being prepared on node " + nodeId + " (phase "
                                + phase + ")")
                        .asRuntimeException();
            }
            // Staged already (a retry): done. The store refuses a second user of a writable device; this node's
            // calls for one volume are serialised by its lock, so staging twice is a retry, not a second user.
            if (store.findVolume(id).flatMap(BlockStore.Volume::device).isEmpty()) {
                store.attach(id, BlockStore.AttachOptions.DEFAULT);
            }
        });
        reply(response, Csi.NodeStageVolumeResponse.getDefaultInstance());
    }

    @Override
    public void nodeUnstageVolume(
            Csi.NodeUnstageVolumeRequest request, StreamObserver<Csi.NodeUnstageVolumeResponse> response) {
        String id = volumeId(request.getVolumeId());
        paths.check("staging_target_path", request.getStagingTargetPath());
        locked(id, () -> {
            Optional<String> device = store.findVolume(id).flatMap(BlockStore.Volume::device);
            if (device.isEmpty()) {
                return;
            }
            List<Path> published = publisher.targetsOf(Path.of(device.get()));
            if (!published.isEmpty()) {
                throw CsiErrors.precondition(
                        "volume " + id + " is still published at " + published + "; unpublish it first");
            }
            store.detach(id);
        });
        afterUnstage.accept(id);
        reply(response, Csi.NodeUnstageVolumeResponse.getDefaultInstance());
    }

    @Override
    public void nodePublishVolume(
            Csi.NodePublishVolumeRequest request, StreamObserver<Csi.NodePublishVolumeResponse> response) {
        String id = volumeId(request.getVolumeId());
        Path target = paths.check("target_path", request.getTargetPath());
        paths.check("staging_target_path", request.getStagingTargetPath());
        Csi.VolumeCapability capability = request.hasVolumeCapability() ? request.getVolumeCapability() : null;
        BlockCapabilities.require(capability, "volume_capability");
        locked(id, () -> {
            liveRecord(id);
            BlockStore.Volume volume = store.findVolume(id)
                    .orElseThrow(() -> CsiErrors.notFound(
                            "volume " + id + " does not exist in the block store of node " + nodeId));
            String device = volume.device()
                    .orElseThrow(() -> CsiErrors.precondition(
                            "volume " + id + " is not staged on node " + nodeId + "; call NodeStageVolume first"));
            // an ephemeral volume's device is read-only whatever the request says: its guest writes to an overlay
            boolean readOnly = volume.ephemeral()
                    || request.getReadonly()
                    || BlockCapabilities.readOnlyMode(capability)
                    || volume.readOnly();
            publisher.publish(id, Path.of(device), target, readOnly);
        });
        reply(response, Csi.NodePublishVolumeResponse.getDefaultInstance());
    }

    @Override
    public void nodeUnpublishVolume(
            Csi.NodeUnpublishVolumeRequest request, StreamObserver<Csi.NodeUnpublishVolumeResponse> response) {
        String id = volumeId(request.getVolumeId());
        Path target = paths.check("target_path", request.getTargetPath());
        locked(id, () -> publisher.unpublish(target));
        reply(response, Csi.NodeUnpublishVolumeResponse.getDefaultInstance());
    }

    @Override
    public void nodeGetVolumeStats(
            Csi.NodeGetVolumeStatsRequest request, StreamObserver<Csi.NodeGetVolumeStatsResponse> response) {
        String id = request.getVolumeId();
        if (id.isEmpty()) {
            throw CsiErrors.missing("volume_id");
        }
        if (request.getVolumePath().isEmpty()) {
            throw CsiErrors.missing("volume_path");
        }
        Optional<BlockStore.Volume> volume = CsiVolumeIds.isValid(id) ? store.findVolume(id) : Optional.empty();
        if (volume.isEmpty()) {
            throw CsiErrors.notFound("volume " + id + " does not exist on node " + nodeId);
        }
        Path path = Path.of(request.getVolumePath());
        Optional<String> device = volume.get().device();
        boolean there = path.isAbsolute()
                && device.map(d -> Path.of(d).equals(path) || publisher.shows(Path.of(d), path))
                        .orElse(false);
        if (!there) {
            throw CsiErrors.notFound("volume " + id + " is not published at " + request.getVolumePath());
        }
        // an ephemeral volume owns no blocks: the store reports its chain image's size and nothing exclusive
        BlockStore.VolumeStats stats = store.volumeStats(id);
        reply(
                response,
                Csi.NodeGetVolumeStatsResponse.newBuilder()
                        .addUsage(Csi.VolumeUsage.newBuilder()
                                .setUnit(Csi.VolumeUsage.Unit.BYTES)
                                .setTotal(stats.logicalBytes())
                                .setUsed(stats.exclusiveBytes())
                                .setAvailable(Math.max(0, stats.logicalBytes() - stats.exclusiveBytes())))
                        .build());
    }

    /** Runs {@code work} under the volume's lock within the call's budget; ABORTED when the lock stays taken. */
    private void locked(String id, Runnable work) {
        Duration budget = budget();
        Instant deadline = Instant.now().plus(budget);
        boolean ran = locks.tryRun(id, budget, () -> Deadlines.within(deadline, work));
        if (!ran) {
            throw CsiErrors.pending(
                    "volume " + id + ": another operation on it is still in progress on node " + nodeId + "; retry");
        }
    }

    private static Duration budget() {
        Deadline deadline = Context.current().getDeadline();
        if (deadline == null) {
            return DEFAULT_BUDGET;
        }
        Duration left =
                Duration.ofMillis(deadline.timeRemaining(TimeUnit.MILLISECONDS)).minus(DEADLINE_MARGIN);
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** Required and in the form this driver issues; anything else (paths, dots, upper case) is INVALID_ARGUMENT. */
    private static String volumeId(String id) {
        if (id.isEmpty()) {
            throw CsiErrors.missing("volume_id");
        }
        if (!CsiVolumeIds.isValid(id)) {
            throw CsiErrors.invalid(
                    "volume_id",
                    "'" + abbreviate(id)
                            + "' is not a unibloc volume id (lowercase letters, digits and '-', at most 63)");
        }
        return id;
    }

    private BlockVolume liveRecord(String id) {
        BlockVolume record = records.get(id).orElseThrow(() -> CsiErrors.notFound("volume " + id + " does not exist"));
        if (record.getMetadata().getDeletionTimestamp() != null) {
            throw CsiErrors.notFound("volume " + id + " is being deleted");
        }
        if (!nodeId.equals(record.getSpec().getNode())) {
            throw CsiErrors.notFound(
                    "volume " + id + " lives on node " + record.getSpec().getNode() + ", not on " + nodeId);
        }
        return record;
    }

    private static BlockVolumePhase phaseOf(BlockVolume record) {
        return record.getStatus() == null ? null : record.getStatus().getPhase();
    }

    private static String abbreviate(String text) {
        String printable = text.replaceAll("\\p{Cntrl}", "?");
        return printable.length() > 80 ? printable.substring(0, 80) + "..." : printable;
    }

    private static <T> void reply(StreamObserver<T> response, T value) {
        response.onNext(value);
        response.onCompleted();
    }
}
