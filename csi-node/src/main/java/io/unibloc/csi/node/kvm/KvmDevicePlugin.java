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

/**
 * kubelet's DevicePlugin service for {@code unibloc.io/kvm}. /dev/kvm can be shared, so the plugin
 * advertises {@code slots} identical healthy devices (one per sandbox that may run on the node).
 * ListAndWatch sends the list and keeps the stream open until the plugin stops; Allocate gives each
 * container the device nodes that exist on the host among {@code deviceNodes} (normally /dev/kvm,
 * /dev/net/tun, /dev/vhost-net). Pre-start and preferred allocation are not offered (UNIMPLEMENTED).
 */
public final class KvmDevicePlugin extends DevicePluginGrpc.DevicePluginImplBase implements AutoCloseable {
    public static final String HEALTHY = "Healthy";
    private final List<DevicePluginApi.Device> devices;
    private final Set<String> ids;
    private final List<Path> deviceNodes;
    private final List<StreamObserver<DevicePluginApi.ListAndWatchResponse>> watchers = new CopyOnWriteArrayList<>();

    public KvmDevicePlugin(int slots, List<Path> deviceNodes) {
        this.devices = IntStream.range(0, slots)
                .mapToObj(i -> DevicePluginApi.Device.newBuilder().setID("kvm-" + i).setHealth(HEALTHY).build())
                .toList();
        this.ids = devices.stream().map(DevicePluginApi.Device::getID).collect(Collectors.toUnmodifiableSet());
        this.deviceNodes = List.copyOf(deviceNodes);
    }

    @Override
    public void getDevicePluginOptions(DevicePluginApi.Empty request, StreamObserver<DevicePluginApi.DevicePluginOptions> response) {
        response.onNext(DevicePluginApi.DevicePluginOptions.getDefaultInstance());
        response.onCompleted();
    }

    @Override
    public void listAndWatch(DevicePluginApi.Empty request, StreamObserver<DevicePluginApi.ListAndWatchResponse> response) {
        watchers.add(response);
        if (response instanceof ServerCallStreamObserver<DevicePluginApi.ListAndWatchResponse> call) {
            call.setOnCancelHandler(() -> watchers.remove(response));
        }
        response.onNext(DevicePluginApi.ListAndWatchResponse.newBuilder().addAllDevices(devices).build());
    }

    @Override
    public void allocate(DevicePluginApi.AllocateRequest request, StreamObserver<DevicePluginApi.AllocateResponse> response) {
        DevicePluginApi.AllocateResponse.Builder out = DevicePluginApi.AllocateResponse.newBuilder();
        for (int i = 0; i < request.getContainerRequestsCount(); i++) {
            DevicePluginApi.ContainerAllocateRequest container = request.getContainerRequests(i);
            for (String id : container.getDevicesIdsList()) {
                if (!ids.contains(id)) {
                    throw CsiErrors.invalid("container_requests[" + i + "].devices_ids", "unknown device '" + id + "'");
                }
            }
            DevicePluginApi.ContainerAllocateResponse.Builder c = DevicePluginApi.ContainerAllocateResponse.newBuilder();
            for (Path node : deviceNodes) {
                if (Files.exists(node)) {
                    c.addDevices(DevicePluginApi.DeviceSpec.newBuilder()
                            .setHostPath(node.toString()).setContainerPath(node.toString()).setPermissions("rwm"));
                }
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
