package io.unibloc.csi.controller.service;

import csi.v1.ControllerGrpc;
import csi.v1.Csi;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.stub.StreamObserver;
import io.unibloc.api.v1alpha1.BlockVolume;
import io.unibloc.csi.common.grpc.CsiErrors;
import io.unibloc.csi.common.validate.BlockCapabilities;
import io.unibloc.csi.controller.provision.VolumeProvisioner;
import io.unibloc.csi.controller.provision.VolumeView;
import io.unibloc.csi.controller.records.BlockVolumeRecords;
import io.unibloc.csi.controller.topology.CapacityReport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * CSI Controller: CreateVolume, DeleteVolume, ValidateVolumeCapabilities, ListVolumes, GetCapacity and
 * ControllerGetCapabilities. Every other RPC is UNIMPLEMENTED (the generated base class). Handlers
 * validate first and throw; the call interceptor maps what they throw to a status.
 */
public final class ControllerService extends ControllerGrpc.ControllerImplBase {
    /** Keys the kubernetes-csi sidecars own, e.g. {@code csi.storage.k8s.io/provisioner-secret-name}. */
    private static final String SIDECAR_PARAMETER_PREFIX = "csi.storage.k8s.io/";

    private static final List<Csi.ControllerServiceCapability.RPC.Type> CAPABILITIES = List.of(
            Csi.ControllerServiceCapability.RPC.Type.CREATE_DELETE_VOLUME,
            Csi.ControllerServiceCapability.RPC.Type.LIST_VOLUMES,
            Csi.ControllerServiceCapability.RPC.Type.GET_CAPACITY);
    /** Kept back from the caller's deadline so the answer still arrives in time. */
    private static final Duration DEADLINE_MARGIN = Duration.ofMillis(500);

    private final VolumeProvisioner provisioner;
    private final BlockVolumeRecords records;
    private final CapacityReport capacity;
    private final Duration maxWait;

    /** {@code maxWait}: how long CreateVolume waits for the node before answering ABORTED (bounded further by the call deadline). */
    public ControllerService(
            VolumeProvisioner provisioner, BlockVolumeRecords records, CapacityReport capacity, Duration maxWait) {
        this.provisioner = provisioner;
        this.records = records;
        this.capacity = capacity;
        this.maxWait = maxWait;
    }

    @Override
    public void createVolume(Csi.CreateVolumeRequest request, StreamObserver<Csi.CreateVolumeResponse> response) {
        var parsed = CreateVolumeParser.parse(request);
        Csi.Volume volume = provisioner.provision(parsed, waitBudget());
        reply(response, Csi.CreateVolumeResponse.newBuilder().setVolume(volume).build());
    }

    @Override
    public void deleteVolume(Csi.DeleteVolumeRequest request, StreamObserver<Csi.DeleteVolumeResponse> response) {
        String id = request.getVolumeId();
        if (id.isEmpty()) {
            throw CsiErrors.missing("volume_id");
        }
        // Ids this plugin never issues cannot name a record: success, as the spec asks for unknown volumes.
        if (io.unibloc.csi.common.CsiVolumeIds.isValid(id)) {
            records.delete(id);
        }
        reply(response, Csi.DeleteVolumeResponse.getDefaultInstance());
    }

    @Override
    public void validateVolumeCapabilities(
            Csi.ValidateVolumeCapabilitiesRequest request,
            StreamObserver<Csi.ValidateVolumeCapabilitiesResponse> response) {
        String id = request.getVolumeId();
        if (id.isEmpty()) {
            throw CsiErrors.missing("volume_id");
        }
        if (request.getVolumeCapabilitiesCount() == 0) {
            throw CsiErrors.missing("volume_capabilities");
        }
        CreateVolumeParser.checkParameterKeys(request.getParametersMap());
        BlockVolume volume = (io.unibloc.csi.common.CsiVolumeIds.isValid(id)
                        ? records.get(id)
                        : java.util.Optional.<BlockVolume>empty())
                .filter(v -> !BlockVolumeRecords.deleting(v))
                .orElseThrow(() -> CsiErrors.notFound("volume " + id + " does not exist"));
        for (Csi.VolumeCapability capability : request.getVolumeCapabilitiesList()) {
            var problem = BlockCapabilities.problem(capability);
            if (problem.isPresent()) {
                reply(
                        response,
                        Csi.ValidateVolumeCapabilitiesResponse.newBuilder()
                                .setMessage("volume " + volume.getMetadata().getName() + ": " + problem.get())
                                .build());
                return;
            }
        }
        reply(
                response,
                Csi.ValidateVolumeCapabilitiesResponse.newBuilder()
                        .setConfirmed(Csi.ValidateVolumeCapabilitiesResponse.Confirmed.newBuilder()
                                .putAllVolumeContext(request.getVolumeContextMap())
                                .addAllVolumeCapabilities(request.getVolumeCapabilitiesList())
                                .putAllParameters(request.getParametersMap()))
                        .build());
    }

    @Override
    public void listVolumes(Csi.ListVolumesRequest request, StreamObserver<Csi.ListVolumesResponse> response) {
        List<BlockVolume> live = records.list().stream()
                .filter(v -> !BlockVolumeRecords.deleting(v))
                .toList();
        ListVolumesPager.Page page = ListVolumesPager.page(live, request.getStartingToken(), request.getMaxEntries());
        Csi.ListVolumesResponse.Builder out =
                Csi.ListVolumesResponse.newBuilder().setNextToken(page.nextToken());
        for (BlockVolume volume : page.entries()) {
            out.addEntries(Csi.ListVolumesResponse.Entry.newBuilder().setVolume(VolumeView.toCsi(volume)));
        }
        reply(response, out.build());
    }

    /**
     * Capacity of a node segment (or of all nodes). The capabilities in the request are ignored: the
     * external-provisioner's capacity poll always asks with a mount capability chosen "rather arbitrarily"
     * (its words), and answering 0 to that would make the scheduler reject every node. Its parameters are the
     * StorageClass's unfiltered, so {@code csi.storage.k8s.io/} keys (secret references) are accepted here.
     */
    @Override
    public void getCapacity(Csi.GetCapacityRequest request, StreamObserver<Csi.GetCapacityResponse> response) {
        Map<String, String> parameters = request.getParametersMap().entrySet().stream()
                .filter(e -> !e.getKey().startsWith(SIDECAR_PARAMETER_PREFIX))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        CreateVolumeParser.checkParameterKeys(parameters);
        CreateVolumeParser.fsType(parameters);
        CreateVolumeParser.readOnly(parameters);
        CreateVolumeParser.writeMode(parameters);
        reply(response, capacity.capacity(request.hasAccessibleTopology() ? request.getAccessibleTopology() : null));
    }

    @Override
    public void controllerGetCapabilities(
            Csi.ControllerGetCapabilitiesRequest request,
            StreamObserver<Csi.ControllerGetCapabilitiesResponse> response) {
        Csi.ControllerGetCapabilitiesResponse.Builder out = Csi.ControllerGetCapabilitiesResponse.newBuilder();
        for (Csi.ControllerServiceCapability.RPC.Type type : CAPABILITIES) {
            out.addCapabilities(Csi.ControllerServiceCapability.newBuilder()
                    .setRpc(Csi.ControllerServiceCapability.RPC.newBuilder().setType(type)));
        }
        reply(response, out.build());
    }

    private Duration waitBudget() {
        Deadline deadline = Context.current().getDeadline();
        if (deadline == null) {
            return maxWait;
        }
        Duration left =
                Duration.ofMillis(deadline.timeRemaining(TimeUnit.MILLISECONDS)).minus(DEADLINE_MARGIN);
        return left.isNegative() ? Duration.ZERO : (left.compareTo(maxWait) < 0 ? left : maxWait);
    }

    private static <T> void reply(StreamObserver<T> response, T value) {
        response.onNext(value);
        response.onCompleted();
    }
}
