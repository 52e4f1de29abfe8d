package io.unibloc.csispec;

import static org.assertj.core.api.Assertions.assertThat;

import csi.v1.ControllerGrpc;
import csi.v1.GroupControllerGrpc;
import csi.v1.IdentityGrpc;
import csi.v1.NodeGrpc;
import csi.v1.SnapshotMetadataGrpc;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServiceDescriptor;
import io.unibloc.deviceplugin.v1beta1.DevicePluginGrpc;
import io.unibloc.deviceplugin.v1beta1.RegistrationGrpc;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The HTTP/2 paths kubelet and the sidecars call ("/package.Service/Method") are fixed by the
 * proto package, service and method names. This test spells them out literally, so renaming
 * anything in a .proto file, or dropping an RPC, fails here.
 */
class ServiceDescriptorTest {

    static Stream<Arguments> services() {
        return Stream.of(
                Arguments.of(
                        "csi.v1.Identity",
                        IdentityGrpc.getServiceDescriptor(),
                        List.of(
                                "/csi.v1.Identity/GetPluginInfo",
                                "/csi.v1.Identity/GetPluginCapabilities",
                                "/csi.v1.Identity/Probe")),
                Arguments.of(
                        "csi.v1.Controller",
                        ControllerGrpc.getServiceDescriptor(),
                        List.of(
                                "/csi.v1.Controller/CreateVolume",
                                "/csi.v1.Controller/DeleteVolume",
                                "/csi.v1.Controller/ControllerPublishVolume",
                                "/csi.v1.Controller/ControllerUnpublishVolume",
                                "/csi.v1.Controller/ValidateVolumeCapabilities",
                                "/csi.v1.Controller/ListVolumes",
                                "/csi.v1.Controller/GetCapacity",
                                "/csi.v1.Controller/ControllerGetCapabilities",
                                "/csi.v1.Controller/CreateSnapshot",
                                "/csi.v1.Controller/DeleteSnapshot",
                                "/csi.v1.Controller/ListSnapshots",
                                "/csi.v1.Controller/GetSnapshot",
                                "/csi.v1.Controller/ControllerExpandVolume",
                                "/csi.v1.Controller/ControllerGetVolume",
                                "/csi.v1.Controller/ControllerModifyVolume")),
                Arguments.of(
                        "csi.v1.GroupController",
                        GroupControllerGrpc.getServiceDescriptor(),
                        List.of(
                                "/csi.v1.GroupController/GroupControllerGetCapabilities",
                                "/csi.v1.GroupController/CreateVolumeGroupSnapshot",
                                "/csi.v1.GroupController/DeleteVolumeGroupSnapshot",
                                "/csi.v1.GroupController/GetVolumeGroupSnapshot")),
                Arguments.of(
                        "csi.v1.SnapshotMetadata",
                        SnapshotMetadataGrpc.getServiceDescriptor(),
                        List.of(
                                "/csi.v1.SnapshotMetadata/GetMetadataAllocated",
                                "/csi.v1.SnapshotMetadata/GetMetadataDelta")),
                Arguments.of(
                        "csi.v1.Node",
                        NodeGrpc.getServiceDescriptor(),
                        List.of(
                                "/csi.v1.Node/NodeStageVolume",
                                "/csi.v1.Node/NodeUnstageVolume",
                                "/csi.v1.Node/NodePublishVolume",
                                "/csi.v1.Node/NodeUnpublishVolume",
                                "/csi.v1.Node/NodeGetVolumeStats",
                                "/csi.v1.Node/NodeExpandVolume",
                                "/csi.v1.Node/NodeGetCapabilities",
                                "/csi.v1.Node/NodeGetInfo")),
                Arguments.of(
                        "v1beta1.Registration",
                        RegistrationGrpc.getServiceDescriptor(),
                        List.of("/v1beta1.Registration/Register")),
                Arguments.of(
                        "v1beta1.DevicePlugin",
                        DevicePluginGrpc.getServiceDescriptor(),
                        List.of(
                                "/v1beta1.DevicePlugin/GetDevicePluginOptions",
                                "/v1beta1.DevicePlugin/ListAndWatch",
                                "/v1beta1.DevicePlugin/GetPreferredAllocation",
                                "/v1beta1.DevicePlugin/Allocate",
                                "/v1beta1.DevicePlugin/PreStartContainer")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void serviceExposesExactlyTheUpstreamMethodPaths(
            String serviceName, ServiceDescriptor service, List<String> expectedPaths) {
        assertThat(service.getName()).isEqualTo(serviceName);
        assertThat(service.getMethods())
                .extracting(method -> "/" + method.getFullMethodName())
                .containsExactlyInAnyOrderElementsOf(expectedPaths);
    }

    static Stream<Arguments> streamingKinds() {
        return Stream.of(
                Arguments.of("/v1beta1.DevicePlugin/ListAndWatch", MethodType.SERVER_STREAMING),
                Arguments.of("/v1beta1.DevicePlugin/Allocate", MethodType.UNARY),
                Arguments.of("/v1beta1.Registration/Register", MethodType.UNARY),
                Arguments.of("/csi.v1.SnapshotMetadata/GetMetadataAllocated", MethodType.SERVER_STREAMING),
                Arguments.of("/csi.v1.SnapshotMetadata/GetMetadataDelta", MethodType.SERVER_STREAMING),
                Arguments.of("/csi.v1.Node/NodePublishVolume", MethodType.UNARY),
                Arguments.of("/csi.v1.Controller/CreateVolume", MethodType.UNARY));
    }

    @ParameterizedTest(name = "{0} is {1}")
    @MethodSource("streamingKinds")
    void methodHasTheUpstreamCallShape(String path, MethodType expected) {
        assertThat(allMethodsByPath()).containsKey(path);
        assertThat(allMethodsByPath().get(path).getType()).isEqualTo(expected);
    }

    private static Map<String, MethodDescriptor<?, ?>> allMethodsByPath() {
        return services()
                .map(arguments -> (ServiceDescriptor) arguments.get()[1])
                .flatMap(service -> service.getMethods().stream())
                .collect(Collectors.toMap(method -> "/" + method.getFullMethodName(), Function.identity()));
    }
}
