package io.unibloc.csi.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import csi.v1.Csi;
import csi.v1.NodeGrpc;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.unibloc.api.v1alpha1.BlockVolume;
import io.unibloc.api.v1alpha1.BlockVolumePhase;
import io.unibloc.api.v1alpha1.NodeStore;
import io.unibloc.blockstore.fs.Exec;
import io.unibloc.csi.common.grpc.UnixSocketChannels;
import io.unibloc.csi.node.HostState;
import io.unibloc.csi.node.MockApi;
import io.unibloc.csi.node.NodeHarness;
import io.unibloc.testkit.image.Compression;
import io.unibloc.testkit.image.PushedImage;
import io.unibloc.testkit.image.TestImage;
import io.unibloc.testkit.image.TestLayer;
import io.unibloc.testkit.registry.TestRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged node plugin ({@code java -jar csi-node.jar}) as its own process against the mock API server: killed
 * with SIGKILL in the middle of preparing a volume, started again, it finishes the volume, serves it, frees it on
 * deletion, and leaves no volume, loop device or mount behind.
 */
class NodeRestartIT {
    private Path dir;
    private TestRegistry registry;
    private MockApi api;
    private KubernetesClient client;
    private Process plugin;

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createTempDirectory("csi-node-restart");
        Files.createDirectories(dir.resolve("kubelet"));
        Files.createDirectories(dir.resolve("device-plugins"));
        registry = TestRegistry.start();
        api = new MockApi();
        client = api.client;
        Files.writeString(
                dir.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters: [{name: mock, cluster: {server: "%s"}}]
                users: [{name: test, user: {token: test}}]
                contexts: [{name: mock, context: {cluster: mock, user: test}}]
                current-context: mock
                """.formatted(api.server.url().replaceAll("/$", "")));
    }

    @AfterEach
    void tearDown() throws Exception {
        stop(plugin);
        for (String name : List.of("first", "second")) {
            Path log = dir.resolve(name + ".log");
            if (Files.exists(log)) {
                // The plugin's own account of the crash and the healing, for whoever reads the test output.
                Files.readAllLines(log).stream()
                        .filter(l -> l.contains("block store open")
                                || l.contains("volume ready")
                                || l.contains("preparing volume")
                                || l.contains("freed")
                                || l.contains("swept")
                                || l.contains("WARN")
                                || l.contains("ERROR"))
                        .forEach(l -> System.out.println("[" + name + "] " + l));
            }
        }
        try {
            for (Path m : HostState.mountsUnder(dir.resolve("kubelet"))) {
                Exec.run(List.of("umount", "-l", m.toString()));
            }
            for (Path loop : HostState.loopsBackedUnder(dir.resolve("store/mnt"))) {
                Exec.run(List.of("losetup", "-d", loop.toString()));
            }
            Exec.run(List.of("umount", dir.resolve("store/mnt").toString()));
        } finally {
            api.close();
            registry.close();
            DriverRig.deleteTree(dir);
        }
    }

    /** Six layers of incompressible data: long enough to prepare that a kill lands in the middle. */
    private PushedImage bigImage() {
        Random random = new Random(42);
        TestImage.Builder image = TestImage.builder();
        for (int i = 0; i < 6; i++) {
            byte[] data = new byte[6 << 20];
            random.nextBytes(data);
            image.layer(TestLayer.builder()
                    .file("data/layer-" + i + ".bin", data)
                    .file("etc/layer", "layer " + i + "\n")
                    .build(Compression.GZIP));
        }
        return image.build().push(registry, "apps/big", "1.0");
    }

    private Process start(String name) throws IOException {
        String jar = System.getProperty("csi.node.jar");
        assertThat(jar).as("system property csi.node.jar (set by the pom)").isNotNull();
        assertThat(Path.of(jar)).exists();
        return new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar",
                        jar,
                        "--endpoint",
                        "unix://" + dir.resolve("csi.sock"),
                        "--node-id",
                        NodeHarness.NODE,
                        "--store-dir",
                        dir.resolve("store").toString(),
                        "--store-size",
                        "1Gi",
                        "--kubeconfig",
                        dir.resolve("kubeconfig").toString(),
                        "--metrics-port",
                        "0",
                        "--device-plugin-dir",
                        dir.resolve("device-plugins").toString(),
                        "--kubelet-dir",
                        dir.resolve("kubelet").toString(),
                        "--kvm",
                        "false")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile())
                .start();
    }

    private static void stop(Process p) throws InterruptedException {
        if (p != null && p.isAlive()) {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private BlockVolumePhase phase(String id) {
        BlockVolume v = client.resources(BlockVolume.class).withName(id).get();
        return v == null || v.getStatus() == null ? null : v.getStatus().getPhase();
    }

    @Test
    void killedMidPreparationTheRestartedPluginFinishesAndNothingLeaks() throws Exception {
        PushedImage image = bigImage();
        plugin = start("first");
        await().atMost(Duration.ofSeconds(60))
                .until(() -> client.resources(NodeStore.class)
                                .withName(NodeHarness.NODE)
                                .get()
                        != null);
        NodeHarness.record(client, "pvc-restart", NodeHarness.NODE, image.pinnedReference(), 64L << 20, false);
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> phase("pvc-restart") == BlockVolumePhase.Preparing);
        Thread.sleep(400);
        BlockVolumePhase atKill = phase("pvc-restart");
        plugin.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        assertThat(atKill)
                .as("the kill must land in the middle of the preparation")
                .isEqualTo(BlockVolumePhase.Preparing);

        plugin = start("second");
        await().atMost(Duration.ofSeconds(90)).until(() -> phase("pvc-restart") == BlockVolumePhase.Ready);
        BlockVolume ready =
                client.resources(BlockVolume.class).withName("pvc-restart").get();
        assertThat(ready.getStatus().getSizeBytes()).isEqualTo(64L << 20);

        checkOpsEndpoints(Files.readString(dir.resolve("second.log")));
        try (UnixSocketChannels.Handle channel = UnixSocketChannels.open(dir.resolve("csi.sock"))) {
            NodeGrpc.NodeBlockingStub kubelet =
                    NodeGrpc.newBlockingStub(channel.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
            Path staging = Files.createDirectories(dir.resolve("kubelet/staging/pvc-restart"));
            Path target = dir.resolve("kubelet/publish/pvc-restart/pod");
            Files.createDirectories(target.getParent());
            kubelet.nodeStageVolume(Csi.NodeStageVolumeRequest.newBuilder()
                    .setVolumeId("pvc-restart")
                    .setVolumeCapability(NodeHarness.RWO)
                    .setStagingTargetPath(staging.toString())
                    .build());
            kubelet.nodePublishVolume(Csi.NodePublishVolumeRequest.newBuilder()
                    .setVolumeId("pvc-restart")
                    .setVolumeCapability(NodeHarness.RWO)
                    .setStagingTargetPath(staging.toString())
                    .setTargetPath(target.toString())
                    .build());
            assertThat(VolumeLifecycleIT.readAt(target, 1024 + 0x38, 2)).containsExactly(0x53, 0xEF);
            kubelet.nodeUnpublishVolume(Csi.NodeUnpublishVolumeRequest.newBuilder()
                    .setVolumeId("pvc-restart")
                    .setTargetPath(target.toString())
                    .build());
            kubelet.nodeUnstageVolume(Csi.NodeUnstageVolumeRequest.newBuilder()
                    .setVolumeId("pvc-restart")
                    .setStagingTargetPath(staging.toString())
                    .build());
        }

        client.resources(BlockVolume.class).withName("pvc-restart").delete();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> client.resources(BlockVolume.class)
                                .withName("pvc-restart")
                                .get()
                        == null);
        Path data = dir.resolve("store/mnt");
        try (Stream<Path> volumes = Files.list(data.resolve("volumes"))) {
            assertThat(volumes.toList()).as("volumes left in the store").isEmpty();
        }
        assertThat(HostState.loopsBackedUnder(data))
                .as("loop devices of store files")
                .isEmpty();
        assertThat(HostState.mountsUnder(dir))
                .as("mounts besides the store's own XFS file")
                .containsExactly(data);
        if (Files.isDirectory(data.resolve("tmp"))) {
            try (Stream<Path> tmp = Files.list(data.resolve("tmp"))) {
                assertThat(tmp.toList()).as("half-done work in the store's tmp").isEmpty();
            }
        }
    }

    private static void checkOpsEndpoints(String log) throws Exception {
        Matcher m = Pattern.compile("serving metrics and health port=(\\d+)").matcher(log);
        assertThat(m.find()).as("metrics port in the log:\n" + log).isTrue();
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> health = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.group(1) + "/healthz"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        HttpResponse<String> metrics = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.group(1) + "/metrics"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body())
                .contains("unibloc_store_free_bytes")
                .contains("unibloc_csi_node_preparation_seconds");
    }
}
