package io.unibloc.e2e.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import csi.v1.Csi;
import csi.v1.IdentityGrpc;
import csi.v1.NodeGrpc;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.unibloc.api.v1alpha1.BlockVolume;
import io.unibloc.api.v1alpha1.BlockVolumePhase;
import io.unibloc.api.v1alpha1.BlockVolumeSpec;
import io.unibloc.api.v1alpha1.BlockVolumeStatus;
import io.unibloc.csi.common.grpc.UnixSocketChannels;
import io.unibloc.testkit.image.Compression;
import io.unibloc.testkit.image.PushedImage;
import io.unibloc.testkit.image.TestImage;
import io.unibloc.testkit.image.TestLayer;
import io.unibloc.testkit.registry.TestRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The csi-node image, run as the chart runs it (privileged, the host's /dev, its directories shared with rshared
 * propagation, the store under kubelet's plugins directory), serves CSI Identity and Node on its UNIX socket and
 * stages a volume: the BlockVolume record goes to fabric8's mock API server, the layers come from a registry on
 * 127.0.0.1, and the staged clone's loop device is seen from the host. Prints the time to the first answer.
 */
@ExtendWith(ImageSmoke.class)
@Timeout(value = 45, unit = TimeUnit.MINUTES)
class CsiNodeImageIT {
    private static final String NODE_ID = "smoke-node";
    private static final Duration CALL_DEADLINE = Duration.ofSeconds(60);

    @Test
    void servesCsiOnItsSocketAndStagesAVolume(BuiltImages images) throws Exception {
        Path dir = Files.createTempDirectory("unibloc-smoke-node-");
        Path kubeletDir = Files.createDirectories(dir.resolve("kubelet"));
        Path storeDir = kubeletDir.resolve("plugins/unibloc.io/store");
        Path socket = Files.createDirectories(dir.resolve("csi")).resolve("csi.sock");
        String container =
                "unibloc-smoke-csi-node-" + UUID.randomUUID().toString().substring(0, 8);
        KubernetesMockServer apiServer = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        apiServer.init(InetAddress.getLoopbackAddress(), 0);
        try (HostMounts shared = HostMounts.shared(dir);
                TestRegistry registry = TestRegistry.start();
                KubernetesClient client = apiServer.createClient()) {
            Path kubeconfig = dir.resolve("kubeconfig");
            Files.writeString(kubeconfig, kubeconfig(apiServer.getPort()));
            PushedImage image = TestImage.builder()
                    .layers(TestLayer.builder()
                            .dir("app")
                            .file("app/marker", "smoke\n")
                            .build(Compression.GZIP))
                    .build()
                    .push(registry, "smoke/node", "v1");

            long start = System.nanoTime();
            List<String> run = new ArrayList<>(List.of(
                    "run",
                    "-d",
                    "--name",
                    container,
                    "--privileged",
                    "--network",
                    "host",
                    "-v",
                    dir + ":" + dir + ":rshared",
                    "-v",
                    "/dev:/dev"));
            run.addAll(images.podman().limits());
            run.addAll(List.of(
                    images.reference("csi-node"),
                    "--endpoint=unix://" + socket,
                    "--node-id=" + NODE_ID,
                    "--store-dir=" + storeDir,
                    "--store-size=2Gi",
                    "--kubelet-dir=" + kubeletDir,
                    "--kvm=false",
                    "--kubeconfig=" + kubeconfig,
                    "--metrics-port=" + freePort(),
                    "--device-plugin-dir=" + kubeletDir.resolve("device-plugins")));
            Podman.Result detached = images.podman().exec(run, Duration.ofMinutes(2));
            assertThat(detached.code()).as(detached.describe()).isZero();
            try {
                await("csi-node socket " + socket)
                        .atMost(Duration.ofMinutes(3))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> Files.exists(socket) || !running(images, container));
                assertThat(running(images, container))
                        .as("csi-node is running; logs:\n%s", logs(images, container))
                        .isTrue();
                try (UnixSocketChannels.Handle channel = UnixSocketChannels.open(socket)) {
                    long infoStart = System.nanoTime();
                    Csi.GetPluginInfoResponse info =
                            identity(channel).getPluginInfo(Csi.GetPluginInfoRequest.getDefaultInstance());
                    long firstAnswer = System.nanoTime();
                    assertThat(info.getName()).isEqualTo("block.unibloc.io");
                    await("Probe ready")
                            .atMost(Duration.ofMinutes(2))
                            .pollInterval(Duration.ofMillis(200))
                            .until(() -> identity(channel)
                                    .probe(Csi.ProbeRequest.getDefaultInstance())
                                    .getReady()
                                    .getValue());
                    assertThat(node(channel)
                                    .nodeGetInfo(Csi.NodeGetInfoRequest.getDefaultInstance())
                                    .getNodeId())
                            .isEqualTo(NODE_ID);
                    System.out.printf(
                            "IMAGES csi-node: %.1f MB, podman run -> socket answers %d ms, first GetPluginInfo %d ms%n",
                            images.sizes().get("csi-node") / 1e6,
                            (firstAnswer - start) / 1_000_000,
                            (firstAnswer - infoStart) / 1_000_000);

                    String volumeId = "pvc-" + UUID.randomUUID();
                    long recorded = System.nanoTime();
                    record(client, volumeId, image);
                    await("BlockVolume " + volumeId + " ready")
                            .atMost(Duration.ofMinutes(5))
                            .pollInterval(Duration.ofMillis(200))
                            .until(() -> phase(client, volumeId)
                                    .filter(p -> p == BlockVolumePhase.Ready || p == BlockVolumePhase.Failed)
                                    .isPresent());
                    long ready = System.nanoTime();
                    BlockVolumeStatus status = client.resources(BlockVolume.class)
                            .withName(volumeId)
                            .get()
                            .getStatus();
                    assertThat(status.getPhase())
                            .as("%s; logs:\n%s", status.getMessage(), logs(images, container))
                            .isEqualTo(BlockVolumePhase.Ready);

                    Path staging = Files.createDirectories(kubeletDir
                            .resolve("plugins/kubernetes.io/csi/volumeDevices/staging")
                            .resolve(volumeId));
                    long stageStart = System.nanoTime();
                    node(channel)
                            .nodeStageVolume(Csi.NodeStageVolumeRequest.newBuilder()
                                    .setVolumeId(volumeId)
                                    .setStagingTargetPath(staging.toString())
                                    .setVolumeCapability(Csi.VolumeCapability.newBuilder()
                                            .setBlock(Csi.VolumeCapability.BlockVolume.getDefaultInstance())
                                            .setAccessMode(Csi.VolumeCapability.AccessMode.newBuilder()
                                                    .setMode(Csi.VolumeCapability.AccessMode.Mode.SINGLE_NODE_WRITER)))
                                    .build());
                    long staged = System.nanoTime();
                    // The clone lives in the store's XFS file mounted inside the container; the host sees its path
                    // only because that mount propagated out through the rshared directory.
                    assertThat(shared.loopsInside().values())
                            .as("loop device of the staged clone, seen from the host")
                            .filteredOn(file -> file.contains(volumeId))
                            .hasSize(1)
                            .allSatisfy(file -> assertThat(Path.of(file)).isRegularFile());
                    node(channel)
                            .nodeUnstageVolume(Csi.NodeUnstageVolumeRequest.newBuilder()
                                    .setVolumeId(volumeId)
                                    .setStagingTargetPath(staging.toString())
                                    .build());
                    assertThat(shared.loopsInside().values())
                            .as("loop devices after NodeUnstageVolume")
                            .noneMatch(file -> file.contains(volumeId));
                    System.out.printf(
                            "IMAGES csi-node: BlockVolume recorded -> Ready %d ms (pull, layer image, clone),"
                                    + " NodeStageVolume %d ms%n",
                            (ready - recorded) / 1_000_000, (staged - stageStart) / 1_000_000);
                }
            } finally {
                images.podman().exec(List.of("stop", "-t", "30", container), Duration.ofMinutes(2));
                images.podman().exec(List.of("rm", "-f", container), Duration.ofMinutes(1));
            }
        } finally {
            apiServer.destroy();
            deleteTree(dir); // after HostMounts let go of it: the store's XFS file and the kubeconfig
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static String kubeconfig(int port) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: mock
                    cluster: {server: "http://127.0.0.1:%d"}
                users:
                  - name: mock
                    user: {token: smoke}
                contexts:
                  - name: mock
                    context: {cluster: mock, user: mock}
                current-context: mock
                """.formatted(port);
    }

    /** The BlockVolume record as the CSI controller's CreateVolume writes it. */
    private static void record(KubernetesClient client, String volumeId, PushedImage image) {
        BlockVolumeSpec spec = new BlockVolumeSpec();
        spec.setRequestName(volumeId);
        spec.setNode(NODE_ID);
        spec.setImage(image.pinnedReference());
        spec.setSourceImage(image.reference());
        spec.setFsType("ext4");
        spec.setSizeBytes(64L << 20);
        spec.setReadOnly(false);
        spec.setPvcNamespace("default");
        spec.setPvcName("smoke");
        BlockVolume record = new BlockVolume();
        record.setMetadata(new ObjectMetaBuilder()
                .withName(volumeId)
                .withLabels(Map.of(BlockVolume.NODE_LABEL, NODE_ID))
                .withFinalizers(BlockVolume.STORAGE_FINALIZER)
                .build());
        record.setSpec(spec);
        BlockVolumeStatus status = new BlockVolumeStatus();
        status.setPhase(BlockVolumePhase.Pending);
        record.setStatus(status);
        client.resources(BlockVolume.class).resource(record).create();
    }

    private static Optional<BlockVolumePhase> phase(KubernetesClient client, String volumeId) {
        return Optional.ofNullable(
                        client.resources(BlockVolume.class).withName(volumeId).get())
                .map(BlockVolume::getStatus)
                .map(BlockVolumeStatus::getPhase);
    }

    private static IdentityGrpc.IdentityBlockingStub identity(UnixSocketChannels.Handle channel) {
        return IdentityGrpc.newBlockingStub(channel.channel())
                .withDeadlineAfter(CALL_DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    private static NodeGrpc.NodeBlockingStub node(UnixSocketChannels.Handle channel) {
        return NodeGrpc.newBlockingStub(channel.channel())
                .withDeadlineAfter(CALL_DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    private static boolean running(BuiltImages images, String container) throws IOException {
        Podman.Result state = images.podman()
                .exec(List.of("inspect", "--format", "{{.State.Running}}", container), Duration.ofSeconds(30));
        return state.code() == 0 && state.stdout().trim().equals("true");
    }

    private static String logs(BuiltImages images, String container) throws IOException {
        Podman.Result logs = images.podman().exec(List.of("logs", container), Duration.ofSeconds(30));
        return logs.stdout() + logs.stderr();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
