package io.unibloc.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.unibloc.api.v1alpha1.BlockVolume;
import io.unibloc.api.v1alpha1.NodeStore;
import io.unibloc.api.v1alpha1.UnikernelPod;
import io.unibloc.api.v1alpha1.UnikernelPodSpec;
import io.unibloc.api.v1alpha1.pod.Phase;
import io.unibloc.e2e.chart.RepositoryLayout;
import io.unibloc.testkit.image.PushedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One UnikernelPod on a real cluster, from the chart to a guest console line and back to nothing: k3s with the
 * unibloc images imported, the chart installed through helm-java, a guest image pushed to a registry next to k3s,
 * the UnikernelPod applied, Running awaited, the guest's marker read from the Pod log, the UnikernelPod deleted, and
 * no BlockVolume, loop device or clone left behind.
 *
 * <p>Skips, with one line saying why, where no container engine can be reached; then it touches nothing else.
 * Settings (system properties): {@code unibloc.e2e.k3s.image}, {@code unibloc.e2e.registry.image},
 * {@code unibloc.target} (Maven output folder the images are built from when missing).
 */
@ExtendWith(RequiresContainerEngine.class)
class UnikernelPodOnK3sIT {
    private static final Logger LOG = LoggerFactory.getLogger(UnikernelPodOnK3sIT.class);
    private static final String VERSION = "0.1.0";
    private static final List<String> IMAGES = List.of("operator", "csi-controller", "csi-node", "sandbox").stream()
            .map(name -> "unibloc/" + name + ":" + VERSION)
            .toList();
    private static final String RELEASE = "unibloc";
    private static final String SYSTEM_NAMESPACE = "unibloc-system";
    private static final String NAMESPACE = "default";
    private static final String STORE_DIR =
            "/var/lib/unibloc-e2e-" + UUID.randomUUID().toString().substring(0, 8);

    private static K3sCluster cluster;
    private static KubernetesClient client;

    @BeforeAll
    static void startCluster() throws Exception {
        ContainerEngine engine = ContainerEngine.detect().orElseThrow();
        Optional<Path> kernel = GuestImage.hostKernel();
        assumeTrue(
                kernel.isPresent(),
                "cluster e2e skipped: no readable /boot/vmlinuz-* for the guest (apt-get install linux-image-amd64)");
        assumeTrue(
                Files.isExecutable(GuestImage.BUSYBOX),
                "cluster e2e skipped: no " + GuestImage.BUSYBOX + " for the guest (apt-get install busybox-static)");
        LOG.info("cluster e2e engine={} store={}", engine.endpoint(), STORE_DIR);

        buildMissingImages();
        cluster = K3sCluster.start(
                System.getProperty("unibloc.e2e.k3s.image", "rancher/k3s:v1.32.3-k3s1"),
                System.getProperty("unibloc.e2e.registry.image", "registry:2"),
                IMAGES,
                STORE_DIR);
        client = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(cluster.kubeconfig()))
                .build();
        installChart();
    }

    @AfterAll
    static void stopCluster() {
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void unikernelPodBootsPrintsItsMarkerAndLeavesNothingBehind() {
        String marker = "UNIBLOC-E2E-" + UUID.randomUUID();
        PushedImage image = GuestImage.build(GuestImage.hostKernel().orElseThrow(), marker)
                .push(cluster.registryFromTest(), Optional.empty(), "e2e/guest", "1");
        String reference = cluster.registryForPods() + "/e2e/guest:1";
        List<String> loopsBefore = cluster.loopDevicesOfStore();

        UnikernelPod ukp = new UnikernelPod();
        ukp.getMetadata().setName("hello");
        ukp.getMetadata().setNamespace(NAMESPACE);
        UnikernelPodSpec spec = new UnikernelPodSpec();
        spec.setImage(reference);
        spec.setMemory("256Mi");
        spec.setVcpus(1);
        ukp.setSpec(spec);
        client.resources(UnikernelPod.class)
                .inNamespace(NAMESPACE)
                .resource(ukp)
                .create();

        UnikernelPod running = await("UnikernelPod hello Running")
                .atMost(Duration.ofMinutes(8))
                .pollInterval(Duration.ofSeconds(3))
                .until(
                        () -> current("hello"),
                        u -> u != null
                                && u.getStatus() != null
                                && (u.getStatus().getPhase() == Phase.Running
                                        || u.getStatus().getPhase() == Phase.Failed));
        assertThat(running.getStatus().getPhase())
                .as("phase; conditions: %s", running.getStatus().getConditions())
                .isEqualTo(Phase.Running);
        assertThat(running.getStatus().getImageDigest()).as("pinned digest").isEqualTo(image.digest());
        // Running only on the sandbox's evidence (its ready file): the guest wrote to its console.
        assertThat(running.getStatus().getConditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("Booted");
            assertThat(c.getStatus()).isEqualTo("True");
        });
        String podName = running.getStatus().getPodName();
        await("guest console marker in the log of Pod " + podName)
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(2))
                .until(() -> podLogs(podName), log -> log.contains(marker));

        List<BlockVolume> volumes = client.resources(BlockVolume.class).list().getItems();
        assertThat(volumes).as("BlockVolumes while the guest runs").hasSize(1);
        BlockVolume volume = volumes.get(0);
        String volumeName = volume.getMetadata().getName();
        String volumeUid = volume.getMetadata().getUid();
        assertThat(cluster.storeEntriesNamed(volumeUid).size()
                        + cluster.storeEntriesNamed(volumeName).size())
                .as("the volume's clone is on the node while it runs (named after %s or %s)", volumeName, volumeUid)
                .isPositive();

        client.resources(UnikernelPod.class)
                .inNamespace(NAMESPACE)
                .withName("hello")
                .delete();
        await("UnikernelPod, Pod, claim and BlockVolume gone")
                .atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofSeconds(3))
                .until(() -> current("hello") == null
                        && client.pods()
                                        .inNamespace(NAMESPACE)
                                        .withName(podName)
                                        .get()
                                == null
                        && client.persistentVolumeClaims()
                                .inNamespace(NAMESPACE)
                                .list()
                                .getItems()
                                .isEmpty()
                        && client.persistentVolumes().list().getItems().isEmpty()
                        && client.resources(BlockVolume.class).list().getItems().isEmpty());
        await("loop devices and clone released on the node")
                .atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> {
                    assertThat(cluster.loopDevicesOfStore())
                            .as("loop devices of the store")
                            .containsExactlyInAnyOrderElementsOf(loopsBefore);
                    assertThat(cluster.storeEntriesNamed(volumeUid))
                            .as("files named after the volume uid")
                            .isEmpty();
                    assertThat(cluster.storeEntriesNamed(volumeName))
                            .as("files named after the volume")
                            .isEmpty();
                });
    }

    private static UnikernelPod current(String name) {
        return client.resources(UnikernelPod.class)
                .inNamespace(NAMESPACE)
                .withName(name)
                .get();
    }

    /** Logs of every container of the Pod (the sandbox container's name is the operator's business). */
    private static String podLogs(String podName) {
        Pod pod = client.pods().inNamespace(NAMESPACE).withName(podName).get();
        if (pod == null) {
            return "";
        }
        StringBuilder logs = new StringBuilder();
        pod.getSpec().getContainers().forEach(c -> {
            try {
                logs.append(client.pods()
                        .inNamespace(NAMESPACE)
                        .withName(podName)
                        .inContainer(c.getName())
                        .getLog());
            } catch (RuntimeException e) {
                // Not started yet; the next poll reads it.
            }
        });
        return logs.toString();
    }

    private static void installChart() throws IOException {
        Path values = Files.createTempFile("unibloc-e2e-values-", ".yaml");
        try {
            Map<String, Object> settings = Map.of(
                    "image", Map.of("pullPolicy", "IfNotPresent"),
                    "registry", Map.of("insecure", List.of(cluster.registryForPods())),
                    // k3s in a container rarely has a usable /dev/kvm: let guests run under TCG there.
                    "sandbox", Map.of("allowSoftwareEmulation", true),
                    "csiNode", Map.of("store", Map.of("dir", STORE_DIR, "size", "4Gi")));
            new ObjectMapper(new YAMLFactory()).writeValue(values.toFile(), settings);
            new Helm(RepositoryLayout.locate().chart())
                    .install()
                    .withName(RELEASE)
                    .withNamespace(SYSTEM_NAMESPACE)
                    .createNamespace()
                    .withKubeConfigContents(cluster.kubeconfig())
                    .withValuesFile(values)
                    .waitReady()
                    .withTimeout((int) TimeUnit.MINUTES.toSeconds(8))
                    .call();
        } finally {
            Files.deleteIfExists(values);
        }
        await("NodeStore of the k3s node")
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(3))
                .until(() -> client.resources(NodeStore.class).list().getItems(), stores -> stores.size() == 1);
        DaemonSet nodePlugin = client.apps()
                .daemonSets()
                .inNamespace(SYSTEM_NAMESPACE)
                .withName(RELEASE + "-csi-node")
                .get();
        assertThat(nodePlugin.getStatus().getNumberReady())
                .as("node plugins ready")
                .isEqualTo(1);
    }

    /** Builds the unibloc images from the packaged modules when the engine lacks any of them. */
    private static void buildMissingImages() throws IOException, InterruptedException {
        List<String> missing = new ArrayList<>(
                IMAGES.stream().filter(i -> !K3sCluster.hasImage(i)).toList());
        if (missing.isEmpty()) {
            return;
        }
        Path root = RepositoryLayout.locate().root();
        List<String> command = new ArrayList<>(List.of(
                "bash",
                root.resolve("scripts/build-images.sh").toString(),
                "--skip-maven",
                "--target",
                System.getProperty("unibloc.target", "target")));
        missing.forEach(i -> command.add(i.substring("unibloc/".length(), i.indexOf(':'))));
        LOG.info("building missing images {}", missing);
        Process build = new ProcessBuilder(command)
                .directory(root.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!build.waitFor(30, TimeUnit.MINUTES) || build.exitValue() != 0) {
            build.destroyForcibly();
            throw new IllegalStateException("cannot build the images " + missing + " for the cluster e2e:\n" + output);
        }
    }
}
