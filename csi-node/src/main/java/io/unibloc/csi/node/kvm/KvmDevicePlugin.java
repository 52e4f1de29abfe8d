package io.unibloc.csi.node.kvm;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.unibloc.csi.common.grpc.CsiErrors;
import io.unibloc.deviceplugin.v1beta1.DevicePluginApi;
import io.unibloc.deviceplugin.v1beta1.DevicePluginGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kubelet's DevicePlugin service for {@code unibloc.io/kvm}. /dev/kvm can be shared, so the plugin
 * advertises {@code slots} identical devices (one per sandbox that may run on the node), healthy while the
 * current {@link Offer} says so. ListAndWatch sends the list and keeps the stream open until the plugin stops;
 * {@link #offer} re-announces it. Allocate gives each container the node's accelerator directory (the shared KVM
 * verdict file) and, on a KVM node, the device nodes that exist on the host among {@code deviceNodes}
 * (normally /dev/kvm, /dev/net/tun, /dev/vhost-net); on a node without usable KVM it withholds
 * {@code kvmDevice} and tells the sandbox to use TCG. Pre-start and preferred allocation are not offered.
 */
public final class KvmDevicePlugin extends DevicePluginGrpc.DevicePluginImplBase implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KvmDevicePlugin.class);
    public static final String HEALTHY = "Healthy";
    public static final String UNHEALTHY = "Unhealthy";
    /** Where a sandbox container sees the node's accelerator directory. */
    public static final String ACCEL_MOUNT = "/run/unibloc/accel";
    /** The sandbox's verdict file inside that directory. */
    public static final String VERDICT_FILE_NAME = "kvm-verdict.properties";

    public static final String ENV_VERDICT_FILE = "UNIBLOC_KVM_VERDICT_FILE";
    public static final String ENV_ACCEL = "UNIBLOC_ACCEL";

    /**
     * What the plugin offers now.
     *
     * @param kvm whether containers get {@code /dev/kvm}; otherwise they are told to use TCG
     * @param healthy whether the devices are announced healthy (a node without KVM where software emulation is
     *     not allowed announces them unhealthy, so that no sandbox Pod is scheduled there)
     */
    public record Offer(boolean kvm, boolean healthy) {}

    private final List<String> ids;
    private final Set<String> idSet;
    private final Path kvmDevice;
    private final List<Path> deviceNodes;
    private final Path accelDir;
    private final List<StreamObserver<DevicePluginApi.ListAndWatchResponse>> watchers = new CopyOnWriteArrayList<>();
    private volatile Offer offer;

    /** A KVM node's plugin with healthy devices and no shared accelerator directory. */
    public KvmDevicePlugin(int slots, List<Path> deviceNodes) {
        this(
                slots,
                deviceNodes.isEmpty() ? Path.of("/dev/kvm") : deviceNodes.get(0),
                deviceNodes,
                null,
                new Offer(true, true));
    }

    /**
     * @param kvmDevice the KVM device among {@code deviceNodes}, withheld when KVM is not offered
     * @param accelDir the host directory holding the node's KVM verdict file, mounted read-write into every
     *     sandbox; {@code null}: none
     */
    public KvmDevicePlugin(int slots, Path kvmDevice, List<Path> deviceNodes, Path accelDir, Offer offer) {
        this.ids = IntStream.range(0, slots).mapToObj(i -> "kvm-" + i).toList();
        this.idSet = ids.stream().collect(Collectors.toUnmodifiableSet());
        this.kvmDevice = kvmDevice;
        this.deviceNodes = List.copyOf(deviceNodes);
        this.accelDir = accelDir;
        this.offer = offer;
    }

    /** Changes the offer and re-announces the devices to every ListAndWatch stream. */
    public synchronized void offer(Offer next) {
        offer = next;
        for (StreamObserver<DevicePluginApi.ListAndWatchResponse> w : watchers) {
            try {
                w.onNext(devices(next));
            } catch (RuntimeException e) {
                // kubelet went away; the registrar serves and registers again.
                LOG.debug("cannot re-announce devices: {}", e.toString());
                watchers.remove(w);
            }
        }
    }

    public Offer offer() {
        return offer;
    }

    @Override
    public void getDevicePluginOptions(
            DevicePluginApi.Empty request, StreamObserver<DevicePluginApi.DevicePluginOptions> response) {
        response.onNext(DevicePluginApi.DevicePluginOptions.getDefaultInstance());
        response.onCompleted();
    }

    @Override
    public synchronized void listAndWatch(
            DevicePluginApi.Empty request, StreamObserver<DevicePluginApi.ListAndWatchResponse> response) {
        watchers.add(response);
        if (response instanceof ServerCallStreamObserver<DevicePluginApi.ListAndWatchResponse> call) {
            call.setOnCancelHandler(() -> watchers.remove(response));
        }
        response.onNext(devices(offer));
    }

    private DevicePluginApi.ListAndWatchResponse devices(Offer o) {
        String health = o.healthy() ? HEALTHY : UNHEALTHY;
        return DevicePluginApi.ListAndWatchResponse.newBuilder()
                .addAllDevices(ids.stream()
                        .map(id -> DevicePluginApi.Device.newBuilder()
                                .setID(id)
                                .setHealth(health)
                                .build())
                        .toList())
                .build();
    }

    @Override
    public void allocate(
            DevicePluginApi.AllocateRequest request, StreamObserver<DevicePluginApi.AllocateResponse> response) {
        Offer o = offer;
        DevicePluginApi.AllocateResponse.Builder out = DevicePluginApi.AllocateResponse.newBuilder();
        for (int i = 0; i < request.getContainerRequestsCount(); i++) {
            DevicePluginApi.ContainerAllocateRequest container = request.getContainerRequests(i);
            for (String id : container.getDevicesIdsList()) {
                if (!idSet.contains(id)) {
                    throw CsiErrors.invalid("container_requests[" + i + "].devices_ids", "unknown device '" + id + "'");
                }
            }
            DevicePluginApi.ContainerAllocateResponse.Builder c =
                    DevicePluginApi.ContainerAllocateResponse.newBuilder();
            for (Path node : deviceNodes) {
                if (Files.exists(node) && (o.kvm() || !node.equals(kvmDevice))) {
                    c.addDevices(DevicePluginApi.DeviceSpec.newBuilder()
                            .setHostPath(node.toString())
                            .setContainerPath(node.toString())
                            .setPermissions("rwm"));
                }
            }
            if (accelDir != null) {
                // Read-write: a sandbox whose KVM boot hangs records the verdict here for the node and its neighbours.
                c.addMounts(DevicePluginApi.Mount.newBuilder()
                        .setHostPath(accelDir.toString())
                        .setContainerPath(ACCEL_MOUNT)
                        .setReadOnly(false));
                c.putEnvs(ENV_VERDICT_FILE, ACCEL_MOUNT + "/" + VERDICT_FILE_NAME);
            }
            if (!o.kvm()) {
                c.putEnvs(ENV_ACCEL, "tcg");
            }
            out.addContainerResponses(c);
        }
        response.onNext(out.build());
        response.onCompleted();
    }

    /** Ends every ListAndWatch stream (kubelet then marks the devices unhealthy until the plugin registers again). */
    @Override
    public void close() {
        for (StreamObserver<DevicePluginApi.ListAndWatchResponse> w : watchers) {
            try {
                w.onCompleted();
            } catch (RuntimeException ignored) {
                // The stream was already cancelled by kubelet.
            }
        }
        watchers.clear();
    }
}
