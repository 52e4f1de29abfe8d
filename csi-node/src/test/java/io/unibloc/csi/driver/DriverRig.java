package io.unibloc.csi.driver;

import csi.v1.ControllerGrpc;
import csi.v1.Csi;
import csi.v1.IdentityGrpc;
import csi.v1.NodeGrpc;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.unibloc.blockstore.BlockStore;
import io.unibloc.blockstore.DefaultBlockStore;
import io.unibloc.blockstore.StoreConfig;
import io.unibloc.blockstore.fs.Exec;
import io.unibloc.blockstore.fs.MountTable;
import io.unibloc.csi.common.CsiNames;
import io.unibloc.csi.common.grpc.UnixSocketChannels;
import io.unibloc.csi.common.grpc.UnixSocketServer;
import io.unibloc.csi.controller.Main.ControllerComponents;
import io.unibloc.csi.node.MockApi;
import io.unibloc.csi.node.NodeComponents;
import io.unibloc.csi.node.NodeHarness;
import io.unibloc.registry.client.RegistryClient;
import io.unibloc.registry.client.RegistryConfig;
import io.unibloc.registry.manifest.Platform;
import io.unibloc.registry.pin.RegistryImagePinner;
import io.unibloc.testkit.image.Compression;
import io.unibloc.testkit.image.PushedImage;
import io.unibloc.testkit.image.TestImage;
import io.unibloc.testkit.image.TestLayer;
import io.unibloc.testkit.registry.TestRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The whole driver on one machine, with real parts: a real registry with a pushed test image, the real
 * block store on an XFS loop file (real loop devices), the controller and the node plugin each on their
 * own UNIX socket, and fabric8's mock API server in between. Stubs play external-provisioner (controller
 * socket) and kubelet (node socket).
 */
public final class DriverRig implements AutoCloseable {
    public static final String NODE = NodeHarness.NODE;
    public final Path dir;
    public final TestRegistry registry;
    public final PushedImage image;
    public final MockApi api;
    public final KubernetesClient client;
    public final DefaultBlockStore store;
    public final NodeComponents node;
    private final UnixSocketServer nodeServer;
    private final UnixSocketServer controllerServer;
    private final RegistryClient registryClient;
    private final UnixSocketChannels.Handle nodeChannel;
    private final UnixSocketChannels.Handle controllerChannel;
    public final NodeGrpc.NodeBlockingStub kubelet;
    public final IdentityGrpc.IdentityBlockingStub nodeIdentity;
    public final ControllerGrpc.ControllerBlockingStub provisioner;
    public final IdentityGrpc.IdentityBlockingStub controllerIdentity;

    public DriverRig() throws IOException {
        dir = Files.createTempDirectory("csi-driver-it");
        Files.createDirectories(kubeletDir());
        registry = TestRegistry.start();
        image = smallImage().push(registry, "apps/hello", "1.0");
        api = new MockApi();
        client = api.client;
        // 2 GiB (sparse): csi-sanity asks a 1 GiB volume, and the store refuses one that could not grow to its full
        // size.
        store = DefaultBlockStore.open(StoreConfig.defaults(storeDir()).withXfsLoopBytes(2L << 30));
        NodeComponents.Settings defaults = NodeComponents.Settings.defaults(NODE, storeDir(), null);
        node = new NodeComponents(
                client,
                store,
                new NodeComponents.Settings(
                        NODE,
                        storeDir(),
                        List.of(kubeletDir()),
                        0,
                        "false",
                        "qemu-system-x86_64",
                        defaults.kvmDevice(),
                        defaults.kvmDeviceNodes(),
                        4,
                        null,
                        Duration.ofMillis(500),
                        Duration.ofSeconds(2),
                        NodeHarness.fastReconcile()),
                new SimpleMeterRegistry(),
                Clock.systemUTC());
        nodeServer = node.start(dir.resolve("node/csi.sock"));
        registryClient = new RegistryClient(RegistryConfig.defaults(), new SimpleMeterRegistry());
        controllerServer = ControllerComponents.create(
                        client,
                        new RegistryImagePinner(registryClient, Platform.DEFAULT),
                        new SimpleMeterRegistry(),
                        Duration.ofSeconds(8),
                        Duration.ofMinutes(3),
                        Clock.systemUTC())
                .serve(dir.resolve("controller/csi.sock"));
        nodeChannel = UnixSocketChannels.open(nodeServer.socket());
        controllerChannel = UnixSocketChannels.open(controllerServer.socket());
        kubelet = NodeGrpc.newBlockingStub(nodeChannel.channel()).withDeadlineAfter(2, TimeUnit.MINUTES);
        nodeIdentity = IdentityGrpc.newBlockingStub(nodeChannel.channel());
        provisioner =
                ControllerGrpc.newBlockingStub(controllerChannel.channel()).withDeadlineAfter(2, TimeUnit.MINUTES);
        controllerIdentity = IdentityGrpc.newBlockingStub(controllerChannel.channel());
    }

    /** Two small layers: an OS-ish base and an app on top. */
    public static TestImage smallImage() {
        return TestImage.builder()
                .layer(TestLayer.builder()
                        .dir("etc")
                        .file("etc/os-release", "ID=unibloc-test\n")
                        .build(Compression.GZIP))
                .layer(TestLayer.builder()
                        .file("app/hello.txt", "hello from a unibloc block volume\n")
                        .build(Compression.GZIP))
                .build();
    }

    public Path storeDir() {
        return dir.resolve("store");
    }

    public Path kubeletDir() {
        return dir.resolve("kubelet");
    }

    public Path stagingPath(String volumeId) {
        return kubeletDir()
                .resolve("plugins/kubernetes.io/csi/volumeDevices/staging")
                .resolve(volumeId);
    }

    public Path targetPath(String volumeId, String pod) {
        return kubeletDir()
                .resolve("plugins/kubernetes.io/csi/volumeDevices/publish")
                .resolve(volumeId)
                .resolve(pod);
    }

    public static Csi.VolumeCapability block(Csi.VolumeCapability.AccessMode.Mode mode) {
        return NodeHarness.block(mode);
    }

    public static final Csi.VolumeCapability RWO = NodeHarness.RWO;

    /**
     * A CreateVolume as external-provisioner sends it for a WaitForFirstConsumer claim scheduled to this node, of a
     * persistent volume (the tests write to its device; a class that does not say gets ephemeral, issue 19).
     */
    public Csi.CreateVolumeRequest.Builder createRequest(String name) {
        Csi.Topology segment = Csi.Topology.newBuilder()
                .putSegments(CsiNames.TOPOLOGY_KEY, NODE)
                .build();
        return Csi.CreateVolumeRequest.newBuilder()
                .setName(name)
                .addVolumeCapabilities(RWO)
                .setCapacityRange(Csi.CapacityRange.newBuilder().setRequiredBytes(64L << 20))
                .putParameters(CsiNames.PARAM_IMAGE, image.reference())
                .putParameters(CsiNames.PARAM_WRITE_MODE, "persistent")
                .setAccessibilityRequirements(Csi.TopologyRequirement.newBuilder()
                        .addRequisite(segment)
                        .addPreferred(segment));
    }

    /** CreateVolume, calling again on ABORTED as the provisioner does, until the volume is there. */
    public Csi.Volume provision(Csi.CreateVolumeRequest request) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (true) {
            try {
                return provisioner.createVolume(request).getVolume();
            } catch (io.grpc.StatusRuntimeException e) {
                if (e.getStatus().getCode() != io.grpc.Status.Code.ABORTED || System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }

    public Csi.NodeStageVolumeRequest stage(String id) {
        return Csi.NodeStageVolumeRequest.newBuilder()
                .setVolumeId(id)
                .setVolumeCapability(RWO)
                .setStagingTargetPath(stagingPath(id).toString())
                .build();
    }

    public Csi.NodePublishVolumeRequest publish(String id, String pod) {
        return Csi.NodePublishVolumeRequest.newBuilder()
                .setVolumeId(id)
                .setVolumeCapability(RWO)
                .setStagingTargetPath(stagingPath(id).toString())
                .setTargetPath(targetPath(id, pod).toString())
                .build();
    }

    public Csi.NodeUnpublishVolumeRequest unpublish(String id, String pod) {
        return Csi.NodeUnpublishVolumeRequest.newBuilder()
                .setVolumeId(id)
                .setTargetPath(targetPath(id, pod).toString())
                .build();
    }

    public Csi.NodeUnstageVolumeRequest unstage(String id) {
        return Csi.NodeUnstageVolumeRequest.newBuilder()
                .setVolumeId(id)
                .setStagingTargetPath(stagingPath(id).toString())
                .build();
    }

    /** kubelet creates the staging directory and the parent of the target before calling. */
    public void kubeletPrepares(String id, String pod) throws IOException {
        Files.createDirectories(stagingPath(id));
        Files.createDirectories(targetPath(id, pod).getParent());
    }

    @Override
    public void close() throws IOException {
        for (AutoCloseable c :
                new AutoCloseable[] {nodeChannel, controllerChannel, controllerServer, node, registryClient}) {
            try {
                c.close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
        try {
            for (MountTable.Mount m : MountTable.read()) {
                if (m.mountPoint().startsWith(kubeletDir())) {
                    Exec.run(List.of("umount", "-l", m.mountPoint().toString()));
                }
            }
            for (BlockStore.Volume v : store.listVolumes()) {
                store.detach(v.id());
            }
            store.close();
        } finally {
            Exec.run(List.of("umount", storeDir().resolve("mnt").toString()));
            api.close();
            registry.close();
            deleteTree(dir);
        }
    }

    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        for (MountTable.Mount m : MountTable.read()) {
            if (m.mountPoint().startsWith(root)) {
                throw new IOException("refusing to delete " + root + ": " + m.mountPoint() + " is still mounted");
            }
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
