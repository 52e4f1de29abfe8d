package io.unibloc.csi.node;

import csi.v1.Csi;
import csi.v1.IdentityGrpc;
import csi.v1.NodeGrpc;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.unibloc.api.v1alpha1.BlockVolume;
import io.unibloc.api.v1alpha1.BlockVolumeSpec;
import io.unibloc.api.v1alpha1.NodeStore;
import io.unibloc.blockstore.BlockStore;
import io.unibloc.csi.common.grpc.UnixSocketChannels;
import io.unibloc.csi.common.grpc.UnixSocketServer;
import io.unibloc.csi.node.reconcile.BlockVolumeReconciler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Starts a node plugin (NodeComponents) on a temp socket against the mock API server and plays kubelet through stubs. */
public final class NodeHarness implements AutoCloseable {
    public static final String NODE = "node-a";
    public final KubernetesClient client;
    public final BlockStore store;
    public final Path dir;
    public final NodeComponents components;
    public final UnixSocketServer server;
    public final UnixSocketChannels.Handle channel;
    public final NodeGrpc.NodeBlockingStub node;
    public final IdentityGrpc.IdentityBlockingStub identity;

    public NodeHarness(KubernetesClient client, BlockStore store) throws IOException {
        this(client, store, Files.createTempDirectory("csi-node-test"));
    }

    public NodeHarness(KubernetesClient client, BlockStore store, Path dir) throws IOException {
        this.client = client;
        this.store = store;
        this.dir = dir;
        Files.createDirectories(dir.resolve("kubelet"));
        NodeComponents.Settings defaults = NodeComponents.Settings.defaults(NODE, dir.resolve("store"), null);
        NodeComponents.Settings settings = new NodeComponents.Settings(
                NODE,
                dir.resolve("store"),
                List.of(dir.resolve("kubelet")),
                0,
                "false",
                "qemu-system-x86_64",
                defaults.kvmDevice(),
                defaults.kvmDeviceNodes(),
                4,
                null,
                Duration.ofMillis(300),
                Duration.ofSeconds(1),
                fastReconcile());
        components = new NodeComponents(client, store, settings, new SimpleMeterRegistry(), Clock.systemUTC());
        server = components.start(dir.resolve("csi.sock"));
        channel = UnixSocketChannels.open(server.socket());
        node = NodeGrpc.newBlockingStub(channel.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
        identity = IdentityGrpc.newBlockingStub(channel.channel());
    }

    public static BlockVolumeReconciler.Settings fastReconcile() {
        return new BlockVolumeReconciler.Settings(
                2,
                Duration.ofMinutes(5),
                Duration.ofHours(1),
                Duration.ofMillis(100),
                Duration.ofMillis(400),
                Duration.ofMillis(200),
                1,
                Long.MAX_VALUE);
    }

    public Path kubelet() {
        return dir.resolve("kubelet");
    }

    /** Records a BlockVolume as the controller would. */
    public static BlockVolume record(
            KubernetesClient client, String id, String node, String image, long sizeBytes, boolean readOnly) {
        BlockVolumeSpec spec = new BlockVolumeSpec();
        spec.setRequestName(id);
        spec.setNode(node);
        spec.setImage(image);
        spec.setSourceImage(image);
        spec.setFsType("ext4");
        spec.setSizeBytes(sizeBytes);
        spec.setReadOnly(readOnly);
        BlockVolume bv = new BlockVolume();
        bv.setMetadata(new ObjectMetaBuilder()
                .withName(id)
                .withLabels(Map.of(BlockVolume.NODE_LABEL, node))
                .withFinalizers(BlockVolume.STORAGE_FINALIZER)
                .build());
        bv.setSpec(spec);
        return client.resources(BlockVolume.class).resource(bv).create();
    }

    public static Csi.VolumeCapability block(Csi.VolumeCapability.AccessMode.Mode mode) {
        return Csi.VolumeCapability.newBuilder()
                .setBlock(Csi.VolumeCapability.BlockVolume.getDefaultInstance())
                .setAccessMode(Csi.VolumeCapability.AccessMode.newBuilder().setMode(mode))
                .build();
    }

    public static final Csi.VolumeCapability RWO = block(Csi.VolumeCapability.AccessMode.Mode.SINGLE_NODE_WRITER);

    public Csi.NodeStageVolumeRequest stage(String id) {
        return Csi.NodeStageVolumeRequest.newBuilder()
                .setVolumeId(id)
                .setVolumeCapability(RWO)
                .setStagingTargetPath(kubelet().resolve("staging").resolve(id).toString())
                .build();
    }

    public Csi.NodeUnstageVolumeRequest unstage(String id) {
        return Csi.NodeUnstageVolumeRequest.newBuilder()
                .setVolumeId(id)
                .setStagingTargetPath(kubelet().resolve("staging").resolve(id).toString())
                .build();
    }

    public Csi.NodePublishVolumeRequest publish(String id, String pod) {
        return Csi.NodePublishVolumeRequest.newBuilder()
                .setVolumeId(id)
                .setVolumeCapability(RWO)
                .setStagingTargetPath(kubelet().resolve("staging").resolve(id).toString())
                .setTargetPath(
                        kubelet().resolve("publish").resolve(id).resolve(pod).toString())
                .build();
    }

    public Csi.NodeUnpublishVolumeRequest unpublish(String id, String pod) {
        return Csi.NodeUnpublishVolumeRequest.newBuilder()
                .setVolumeId(id)
                .setTargetPath(
                        kubelet().resolve("publish").resolve(id).resolve(pod).toString())
                .build();
    }

    /** Removes every record (dropping finalizers) and NodeStore, for a clean mock server between tests. */
    public static void wipe(KubernetesClient client) {
        for (BlockVolume v : client.resources(BlockVolume.class).list().getItems()) {
            client.resources(BlockVolume.class)
                    .withName(v.getMetadata().getName())
                    .edit(x -> {
                        x.getMetadata().setFinalizers(List.of());
                        return x;
                    });
        }
        client.resources(BlockVolume.class).delete();
        client.resources(NodeStore.class).delete();
    }

    @Override
    public void close() throws IOException {
        channel.close();
        components.close();
        // Never delete through a mount: unmount whatever a failed test left under the temp directory first.
        for (var m : io.unibloc.blockstore.fs.MountTable.read()) {
            if (m.mountPoint().startsWith(dir)) {
                io.unibloc.blockstore.fs.Exec.run(
                        List.of("umount", "-l", m.mountPoint().toString()));
            }
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
