package io.unibloc.csispec;

import static io.unibloc.csispec.WireBytes.VARINT;
import static io.unibloc.csispec.WireBytes.wire;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.BoolValue;
import com.google.protobuf.Int64Value;
import com.google.protobuf.Message;
import csi.v1.Csi;
import io.unibloc.deviceplugin.v1beta1.DevicePluginApi;
import java.util.HexFormat;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pins the binary encoding of messages that kubelet and the CSI sidecars exchange with us.
 *
 * <p>Every expectation is written from the specification's field numbers and wire types
 * (tag = field_number &lt;&lt; 3 | wire_type; 0 = varint, 2 = length-delimited), never from the
 * generated code, so a wrong field number or type in a .proto file fails here. Each map in
 * these messages holds a single entry to keep the byte order deterministic.
 */
class WireFormatTest {

    /** Topology key every unibloc node reports; 30 ASCII bytes. */
    private static final String TOPOLOGY_KEY = "topology.block.unibloc.io/node";

    private static final long ONE_GIB = 1L << 30;

    static Stream<Arguments> cases() {
        return Stream.of(
                named(
                        "CreateVolumeRequest: name, capacity, block RWOP, parameters, secrets, topology, mutable params",
                        WireFormatTest::createVolumeRequest,
                        wire().string(1, "pvc-1") // name = 1
                                .message(
                                        2,
                                        wire() // capacity_range = 2
                                                .tag(1, VARINT)
                                                .hex("80 80 80 80 04") //   required_bytes = 1 (2^30)
                                                .tag(2, VARINT)
                                                .hex("80 80 80 80 04")) //   limit_bytes = 2
                                .message(
                                        3,
                                        wire() // volume_capabilities = 3
                                                .message(1, wire()) //   block = 1 (empty message)
                                                .message(
                                                        3,
                                                        wire().tag(1, VARINT).varint(6))) // access_mode = 3 {mode = 1:
                                // SINGLE_NODE_SINGLE_WRITER = 6}
                                .mapEntry(4, "fsType", "ext4") // parameters = 4
                                .mapEntry(5, "token", "s3cr3t") // secrets = 5
                                .message(
                                        7,
                                        wire() // accessibility_requirements = 7
                                                .message(1, topology("node-1")) //   requisite = 1
                                                .message(2, topology("node-1"))) //   preferred = 2
                                .mapEntry(8, "iops", "100") // mutable_parameters = 8
                                .bytes()),
                named(
                        "CreateVolumeRequest capacity only, as literal hex",
                        () -> Csi.CreateVolumeRequest.newBuilder()
                                .setName("v")
                                .setCapacityRange(Csi.CapacityRange.newBuilder().setRequiredBytes(1000))
                                .build(),
                        // 0a 01 'v'           name: field 1, LEN
                        // 12 03 08 e8 07      capacity_range: field 2, LEN {required_bytes: field 1 varint 1000}
                        hex("0a 01 76 12 03 08 e8 07")),
                named(
                        "CreateVolumeResponse: volume with id, capacity, context and topology",
                        () -> Csi.CreateVolumeResponse.newBuilder()
                                .setVolume(Csi.Volume.newBuilder()
                                        .setCapacityBytes(ONE_GIB)
                                        .setVolumeId("vol-1")
                                        .putVolumeContext("image", "app")
                                        .addAccessibleTopology(topologyMessage("node-1")))
                                .build(),
                        wire().message(
                                        1,
                                        wire() // volume = 1
                                                .tag(1, VARINT)
                                                .varint(ONE_GIB) //   capacity_bytes = 1
                                                .string(2, "vol-1") //   volume_id = 2
                                                .mapEntry(3, "image", "app") //   volume_context = 3
                                                .message(5, topology("node-1"))) //   accessible_topology = 5
                                .bytes()),
                named(
                        "NodePublishVolumeRequest: paths, mount capability, readonly, secrets, pod context",
                        () -> Csi.NodePublishVolumeRequest.newBuilder()
                                .setVolumeId("vol-1")
                                .setStagingTargetPath("/stage")
                                .setTargetPath("/target")
                                .setVolumeCapability(Csi.VolumeCapability.newBuilder()
                                        .setMount(Csi.VolumeCapability.MountVolume.newBuilder()
                                                .setFsType("ext4")
                                                .addMountFlags("ro"))
                                        .setAccessMode(Csi.VolumeCapability.AccessMode.newBuilder()
                                                .setMode(Csi.VolumeCapability.AccessMode.Mode.SINGLE_NODE_WRITER)))
                                .setReadonly(true)
                                .putSecrets("k", "v")
                                .putVolumeContext("csi.storage.k8s.io/pod.name", "web-0")
                                .build(),
                        wire().string(1, "vol-1") // volume_id = 1
                                .string(3, "/stage") // staging_target_path = 3
                                .string(4, "/target") // target_path = 4
                                .message(
                                        5,
                                        wire() // volume_capability = 5
                                                .message(
                                                        2,
                                                        wire() //   mount = 2
                                                                .string(1, "ext4") //     fs_type = 1
                                                                .string(2, "ro")) //     mount_flags = 2
                                                .message(
                                                        3,
                                                        wire().tag(1, VARINT)
                                                                .varint(1))) // access_mode = 3 {SINGLE_NODE_WRITER = 1}
                                .tag(6, VARINT)
                                .varint(1) // readonly = 6
                                .mapEntry(7, "k", "v") // secrets = 7
                                .mapEntry(8, "csi.storage.k8s.io/pod.name", "web-0") // volume_context = 8
                                .bytes()),
                named(
                        "NodeGetInfoResponse: node id, max volumes, topology, as literal hex",
                        () -> Csi.NodeGetInfoResponse.newBuilder()
                                .setNodeId("node-1")
                                .setMaxVolumesPerNode(1000)
                                .setAccessibleTopology(topologyMessage("node-1"))
                                .build(),
                        concat(
                                hex("0a 06"),
                                ascii("node-1"), // node_id: field 1, LEN 6
                                hex("10 e8 07"), // max_volumes_per_node: field 2, varint 1000
                                hex("1a 2a"), // accessible_topology: field 3, LEN 42
                                hex("0a 28"), //   segments: field 1, LEN 40 (map entry)
                                hex("0a 1e"),
                                ascii(TOPOLOGY_KEY), //     key: field 1, LEN 30
                                hex("12 06"),
                                ascii("node-1"))), //     value: field 2, LEN 6
                named(
                        "NodeStageVolumeRequest: publish context, staging path, block capability",
                        () -> Csi.NodeStageVolumeRequest.newBuilder()
                                .setVolumeId("vol-1")
                                .putPublishContext("device", "/dev/loop7")
                                .setStagingTargetPath("/stage")
                                .setVolumeCapability(
                                        blockCapability(Csi.VolumeCapability.AccessMode.Mode.SINGLE_NODE_WRITER))
                                .putVolumeContext("image", "app")
                                .build(),
                        wire().string(1, "vol-1") // volume_id = 1
                                .mapEntry(2, "device", "/dev/loop7") // publish_context = 2
                                .string(3, "/stage") // staging_target_path = 3
                                .message(
                                        4,
                                        wire() // volume_capability = 4
                                                .message(1, wire())
                                                .message(
                                                        3, wire().tag(1, VARINT).varint(1)))
                                .mapEntry(6, "image", "app") // volume_context = 6
                                .bytes()),
                named(
                        "NodeGetVolumeStatsResponse: bytes and inodes usage, condition",
                        () -> Csi.NodeGetVolumeStatsResponse.newBuilder()
                                .addUsage(Csi.VolumeUsage.newBuilder()
                                        .setAvailable(300)
                                        .setTotal(1000)
                                        .setUsed(700)
                                        .setUnit(Csi.VolumeUsage.Unit.BYTES))
                                .addUsage(Csi.VolumeUsage.newBuilder()
                                        .setTotal(64)
                                        .setUnit(Csi.VolumeUsage.Unit.INODES))
                                .setVolumeCondition(Csi.VolumeCondition.newBuilder()
                                        .setAbnormal(true)
                                        .setMessage("io error"))
                                .build(),
                        wire().message(
                                        1,
                                        wire() // usage = 1
                                                .tag(1, VARINT)
                                                .varint(300) //   available = 1
                                                .tag(2, VARINT)
                                                .varint(1000) //   total = 2
                                                .tag(3, VARINT)
                                                .varint(700) //   used = 3
                                                .tag(4, VARINT)
                                                .varint(1)) //   unit = 4: BYTES = 1
                                .message(
                                        1,
                                        wire().tag(2, VARINT)
                                                .varint(64)
                                                .tag(4, VARINT)
                                                .varint(2)) //   INODES = 2
                                .message(
                                        2,
                                        wire() // volume_condition = 2
                                                .tag(1, VARINT)
                                                .varint(1) //   abnormal = 1
                                                .string(2, "io error")) //   message = 2
                                .bytes()),
                named(
                        "ControllerExpandVolumeRequest and its capability",
                        () -> Csi.ControllerExpandVolumeRequest.newBuilder()
                                .setVolumeId("vol-1")
                                .setCapacityRange(Csi.CapacityRange.newBuilder().setRequiredBytes(ONE_GIB))
                                .putSecrets("k", "v")
                                .setVolumeCapability(
                                        blockCapability(Csi.VolumeCapability.AccessMode.Mode.MULTI_NODE_MULTI_WRITER))
                                .build(),
                        wire().string(1, "vol-1") // volume_id = 1
                                .message(2, wire().tag(1, VARINT).varint(ONE_GIB)) // capacity_range = 2
                                .mapEntry(3, "k", "v") // secrets = 3
                                .message(
                                        4,
                                        wire() // volume_capability = 4
                                                .message(1, wire())
                                                .message(
                                                        3,
                                                        wire().tag(1, VARINT).varint(5))) // MULTI_NODE_MULTI_WRITER = 5
                                .bytes()),
                named(
                        "ControllerModifyVolumeRequest: mutable parameters at field 3",
                        () -> Csi.ControllerModifyVolumeRequest.newBuilder()
                                .setVolumeId("vol-1")
                                .putSecrets("k", "v")
                                .putMutableParameters("iops", "300")
                                .build(),
                        wire().string(1, "vol-1") // volume_id = 1
                                .mapEntry(2, "k", "v") // secrets = 2
                                .mapEntry(3, "iops", "300") // mutable_parameters = 3
                                .bytes()),
                named(
                        "ValidateVolumeCapabilitiesResponse: confirmed echo incl. mutable parameters",
                        () -> Csi.ValidateVolumeCapabilitiesResponse.newBuilder()
                                .setConfirmed(Csi.ValidateVolumeCapabilitiesResponse.Confirmed.newBuilder()
                                        .putVolumeContext("a", "1")
                                        .putParameters("b", "2")
                                        .putMutableParams("c", "3"))
                                .setMessage("ok")
                                .build(),
                        wire().message(
                                        1,
                                        wire() // confirmed = 1
                                                .mapEntry(1, "a", "1") //   volume_context = 1
                                                .mapEntry(3, "b", "2") //   parameters = 3
                                                .mapEntry(4, "c", "3")) //   mutable_parameters = 4
                                .string(2, "ok") // message = 2
                                .bytes()),
                named(
                        "GetCapacityResponse: available capacity and Int64Value wrapper",
                        () -> Csi.GetCapacityResponse.newBuilder()
                                .setAvailableCapacity(ONE_GIB)
                                .setMaximumVolumeSize(Int64Value.of(ONE_GIB))
                                .build(),
                        concat(
                                hex("08 80 80 80 80 04"), // available_capacity: field 1, varint 2^30
                                hex("12 06 08 80 80 80 80 04"))), // maximum_volume_size: field 2, LEN {value: field 1}
                named(
                        "ControllerGetCapabilitiesResponse: CREATE_DELETE_VOLUME and MODIFY_VOLUME",
                        () -> Csi.ControllerGetCapabilitiesResponse.newBuilder()
                                .addCapabilities(
                                        controllerRpc(Csi.ControllerServiceCapability.RPC.Type.CREATE_DELETE_VOLUME))
                                .addCapabilities(controllerRpc(Csi.ControllerServiceCapability.RPC.Type.MODIFY_VOLUME))
                                .build(),
                        // capabilities = 1 { rpc = 1 { type = 1 } }: 1 then 14
                        hex("0a 04 0a 02 08 01  0a 04 0a 02 08 0e")),
                named(
                        "GetPluginCapabilitiesResponse: controller, topology, online expansion",
                        () -> Csi.GetPluginCapabilitiesResponse.newBuilder()
                                .addCapabilities(pluginService(Csi.PluginCapability.Service.Type.CONTROLLER_SERVICE))
                                .addCapabilities(pluginService(
                                        Csi.PluginCapability.Service.Type.VOLUME_ACCESSIBILITY_CONSTRAINTS))
                                .addCapabilities(Csi.PluginCapability.newBuilder()
                                        .setVolumeExpansion(Csi.PluginCapability.VolumeExpansion.newBuilder()
                                                .setType(Csi.PluginCapability.VolumeExpansion.Type.ONLINE)))
                                .build(),
                        // capabilities = 1 { service = 1 {type}} ×2, then { volume_expansion = 2 {type = ONLINE 1} }
                        hex("0a 04 0a 02 08 01  0a 04 0a 02 08 02  0a 04 12 02 08 01")),
                named(
                        "ProbeResponse: ready as BoolValue",
                        () -> Csi.ProbeResponse.newBuilder()
                                .setReady(BoolValue.of(true))
                                .build(),
                        hex("0a 02 08 01")),
                named(
                        "NodeServiceCapability: STAGE_UNSTAGE_VOLUME, GET_VOLUME_STATS, EXPAND_VOLUME",
                        () -> Csi.NodeGetCapabilitiesResponse.newBuilder()
                                .addCapabilities(nodeRpc(Csi.NodeServiceCapability.RPC.Type.STAGE_UNSTAGE_VOLUME))
                                .addCapabilities(nodeRpc(Csi.NodeServiceCapability.RPC.Type.GET_VOLUME_STATS))
                                .addCapabilities(nodeRpc(Csi.NodeServiceCapability.RPC.Type.EXPAND_VOLUME))
                                .build(),
                        hex("0a 04 0a 02 08 01  0a 04 0a 02 08 02  0a 04 0a 02 08 03")),
                named(
                        "Device plugin RegisterRequest, as literal hex",
                        () -> DevicePluginApi.RegisterRequest.newBuilder()
                                .setVersion("v1beta1")
                                .setEndpoint("unibloc-kvm.sock")
                                .setResourceName("unibloc.io/kvm")
                                .setOptions(DevicePluginApi.DevicePluginOptions.newBuilder()
                                        .setGetPreferredAllocationAvailable(true))
                                .build(),
                        concat(
                                hex("0a 07"),
                                ascii("v1beta1"), // version: field 1, LEN 7
                                hex("12 10"),
                                ascii("unibloc-kvm.sock"), // endpoint: field 2, LEN 16
                                hex("1a 0e"),
                                ascii("unibloc.io/kvm"), // resource_name: field 3, LEN 14
                                hex("22 02 10 01"))), // options: field 4 {get_preferred_allocation_available: field
                // 2 = true}
                named(
                        "Device plugin AllocateResponse: envs, mounts, devices, annotations, CDI devices",
                        WireFormatTest::allocateResponse,
                        concat(
                                hex("0a 7f"), // container_responses: field 1, LEN 127
                                hex("0a 10 0a 0b"),
                                ascii("UNIBLOC_KVM"), //   envs: field 1 {key: field 1, LEN 11
                                hex("12 01"),
                                ascii("1"), //                  value: field 2, LEN 1}
                                hex("12 1e 0a 0c"),
                                ascii("/lib/modules"), //   mounts: field 2, LEN 30 {container_path: 1
                                hex("12 0c"),
                                ascii("/lib/modules"), //     host_path: field 2
                                hex("18 01"), //     read_only: field 3, varint true}
                                hex("1a 18 0a 08"),
                                ascii("/dev/kvm"), //   devices: field 3, LEN 24 {container_path: 1
                                hex("12 08"),
                                ascii("/dev/kvm"), //     host_path: field 2
                                hex("1a 02"),
                                ascii("rw"), //     permissions: field 3}
                                hex("22 18 0a 0e"),
                                ascii("unibloc.io/kvm"), // annotations: field 4 {key
                                hex("12 06"),
                                ascii("slot-0"), //     value}
                                hex("2a 17 0a 15"),
                                ascii("unibloc.io/kvm=slot-0"))), // cdi_devices: field 5 {name: field 1}
                named(
                        "Device plugin ListAndWatchResponse: device with health and NUMA topology",
                        () -> DevicePluginApi.ListAndWatchResponse.newBuilder()
                                .addDevices(DevicePluginApi.Device.newBuilder()
                                        .setID("kvm-0")
                                        .setHealth("Healthy")
                                        .setTopology(DevicePluginApi.TopologyInfo.newBuilder()
                                                .addNodes(DevicePluginApi.NUMANode.newBuilder()
                                                        .setID(1))))
                                .build(),
                        wire().message(
                                        1,
                                        wire() // devices = 1
                                                .string(1, "kvm-0") //   ID = 1
                                                .string(2, "Healthy") //   health = 2
                                                .message(
                                                        3,
                                                        wire() //   topology = 3
                                                                .message(
                                                                        1,
                                                                        wire().tag(1, VARINT)
                                                                                .varint(1)))) // nodes = 1 {ID = 1}
                                .bytes()),
                named(
                        "Device plugin PreferredAllocationRequest: candidates, must-include, size",
                        () -> DevicePluginApi.PreferredAllocationRequest.newBuilder()
                                .addContainerRequests(DevicePluginApi.ContainerPreferredAllocationRequest.newBuilder()
                                        .addAvailableDeviceIDs("kvm-0")
                                        .addMustIncludeDeviceIDs("kvm-1")
                                        .setAllocationSize(2))
                                .build(),
                        wire().message(
                                        1,
                                        wire() // container_requests = 1
                                                .string(1, "kvm-0") //   available_deviceIDs = 1
                                                .string(2, "kvm-1") //   must_include_deviceIDs = 2
                                                .tag(3, VARINT)
                                                .varint(2)) //   allocation_size = 3
                                .bytes()),
                named(
                        "Device plugin AllocateRequest and PreStartContainerRequest device ids",
                        () -> DevicePluginApi.AllocateRequest.newBuilder()
                                .addContainerRequests(DevicePluginApi.ContainerAllocateRequest.newBuilder()
                                        .addDevicesIds("kvm-0"))
                                .build(),
                        wire().message(1, wire().string(1, "kvm-0")).bytes()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void encodesExactlyTheSpecifiedBytes(String name, Supplier<Message> message, byte[] expected) {
        byte[] actual = message.get().toByteArray();

        assertThat(HexFormat.ofDelimiter(" ").formatHex(actual))
                .as("wire bytes of %s", name)
                .isEqualTo(HexFormat.ofDelimiter(" ").formatHex(expected));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decodesTheSpecifiedBytesBackToTheSameMessage(String name, Supplier<Message> message, byte[] expected)
            throws Exception {
        Message original = message.get();

        Message decoded = original.getParserForType().parseFrom(expected);

        assertThat(decoded).as("decoded %s", name).isEqualTo(original);
        assertThat(decoded.getUnknownFields().asMap())
                .as("unknown fields in %s", name)
                .isEmpty();
    }

    private static Csi.CreateVolumeRequest createVolumeRequest() {
        return Csi.CreateVolumeRequest.newBuilder()
                .setName("pvc-1")
                .setCapacityRange(
                        Csi.CapacityRange.newBuilder().setRequiredBytes(ONE_GIB).setLimitBytes(ONE_GIB))
                .addVolumeCapabilities(blockCapability(Csi.VolumeCapability.AccessMode.Mode.SINGLE_NODE_SINGLE_WRITER))
                .putParameters("fsType", "ext4")
                .putSecrets("token", "s3cr3t")
                .setAccessibilityRequirements(Csi.TopologyRequirement.newBuilder()
                        .addRequisite(topologyMessage("node-1"))
                        .addPreferred(topologyMessage("node-1")))
                .putMutableParams("iops", "100")
                .build();
    }

    private static DevicePluginApi.AllocateResponse allocateResponse() {
        return DevicePluginApi.AllocateResponse.newBuilder()
                .addContainerResponses(DevicePluginApi.ContainerAllocateResponse.newBuilder()
                        .putEnvs("UNIBLOC_KVM", "1")
                        .addMounts(DevicePluginApi.Mount.newBuilder()
                                .setContainerPath("/lib/modules")
                                .setHostPath("/lib/modules")
                                .setReadOnly(true))
                        .addDevices(DevicePluginApi.DeviceSpec.newBuilder()
                                .setContainerPath("/dev/kvm")
                                .setHostPath("/dev/kvm")
                                .setPermissions("rw"))
                        .putAnnotations("unibloc.io/kvm", "slot-0")
                        .addCdiDevices(DevicePluginApi.CDIDevice.newBuilder().setName("unibloc.io/kvm=slot-0")))
                .build();
    }

    private static Csi.VolumeCapability blockCapability(Csi.VolumeCapability.AccessMode.Mode mode) {
        return Csi.VolumeCapability.newBuilder()
                .setBlock(Csi.VolumeCapability.BlockVolume.getDefaultInstance())
                .setAccessMode(Csi.VolumeCapability.AccessMode.newBuilder().setMode(mode))
                .build();
    }

    private static Csi.Topology topologyMessage(String node) {
        return Csi.Topology.newBuilder().putSegments(TOPOLOGY_KEY, node).build();
    }

    /** Topology { segments = 1 { key = 1, value = 2 } }. */
    private static WireBytes topology(String node) {
        return wire().mapEntry(1, TOPOLOGY_KEY, node);
    }

    private static Csi.ControllerServiceCapability controllerRpc(Csi.ControllerServiceCapability.RPC.Type type) {
        return Csi.ControllerServiceCapability.newBuilder()
                .setRpc(Csi.ControllerServiceCapability.RPC.newBuilder().setType(type))
                .build();
    }

    private static Csi.NodeServiceCapability nodeRpc(Csi.NodeServiceCapability.RPC.Type type) {
        return Csi.NodeServiceCapability.newBuilder()
                .setRpc(Csi.NodeServiceCapability.RPC.newBuilder().setType(type))
                .build();
    }

    private static Csi.PluginCapability pluginService(Csi.PluginCapability.Service.Type type) {
        return Csi.PluginCapability.newBuilder()
                .setService(Csi.PluginCapability.Service.newBuilder().setType(type))
                .build();
    }

    private static Arguments named(String name, Supplier<? extends Message> message, byte[] expected) {
        Supplier<Message> widened = message::get;
        return Arguments.of(name, widened, expected);
    }

    private static byte[] hex(String spacedHex) {
        return wire().hex(spacedHex).bytes();
    }

    private static byte[] ascii(String s) {
        return wire().ascii(s).bytes();
    }

    private static byte[] concat(byte[]... parts) {
        WireBytes all = wire();
        for (byte[] part : parts) {
            all.hex(HexFormat.of().formatHex(part));
        }
        return all.bytes();
    }
}
