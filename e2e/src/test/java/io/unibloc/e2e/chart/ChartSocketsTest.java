package io.unibloc.e2e.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CSI sidecars talk to the socket the component actually listens on (same path, same volume), the registrar
 * hands kubelet the node-side path of that socket, and the node plugin's other paths are the host's.
 */
class ChartSocketsTest {
    private static final HelmChart CHART = HelmChart.inRepository();

    static Stream<Values> variations() {
        return Variations.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variations")
    void controllerSidecarsShareTheControllersSocket(Values values) {
        PodSpec pod = workload(CHART.render(values), "csi-controller");
        Container controller = container(pod, "csi-controller");
        String socket = unixPath(flag(controller, "--endpoint"));
        Volume socketVolume = volumeMountedAt(pod, controller, parent(socket));

        assertThat(socketVolume.getEmptyDir())
                .as("controller socket volume is private to the pod")
                .isNotNull();
        assertThat(flag(controller, "--metrics-port")).isEqualTo("9811");
        for (String sidecar : List.of("csi-provisioner", "liveness-probe")) {
            Container c = container(pod, sidecar);
            assertThat(flag(c, "--csi-address"))
                    .as("--csi-address of %s", sidecar)
                    .isEqualTo(socket);
            assertThat(volumeMountedAt(pod, c, parent(socket)).getName())
                    .as("socket volume of %s", sidecar)
                    .isEqualTo(socketVolume.getName());
        }
        assertLivenessProbeServedBySidecar(controller, container(pod, "liveness-probe"));
        Container provisioner = container(pod, "csi-provisioner");
        assertThat(args(provisioner))
                .as("provisioner flags")
                .contains(
                        "--strict-topology",
                        "--extra-create-metadata",
                        "--enable-capacity",
                        "--capacity-ownerref-level=2",
                        "--leader-election");
        assertThat(env(provisioner))
                .as("provisioner env for capacity ownership")
                .containsEntry("NAMESPACE", "metadata.namespace")
                .containsEntry("POD_NAME", "metadata.name");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variations")
    void nodeSidecarsShareTheNodeSocketAndKubeletGetsItsHostPath(Values values) {
        String kubeletDir =
                String.valueOf(valueAt(values, "csiNode", "kubeletDir").orElse("/var/lib/kubelet"));
        kubeletDir = kubeletDir.endsWith("/") ? kubeletDir.substring(0, kubeletDir.length() - 1) : kubeletDir;
        PodSpec pod = workload(CHART.render(values), "csi-node");
        Container node = container(pod, "csi-node");
        String socket = unixPath(flag(node, "--endpoint"));
        Volume socketVolume = volumeMountedAt(pod, node, parent(socket));

        assertThat(socketVolume.getHostPath())
                .as("node socket volume is on the host for kubelet")
                .isNotNull();
        assertThat(socketVolume.getHostPath().getPath())
                .as("node socket dir on the host")
                .isEqualTo(kubeletDir + "/plugins/block.unibloc.io");
        for (String sidecar : List.of("node-driver-registrar", "liveness-probe")) {
            Container c = container(pod, sidecar);
            assertThat(flag(c, "--csi-address"))
                    .as("--csi-address of %s", sidecar)
                    .isEqualTo(socket);
            assertThat(volumeMountedAt(pod, c, parent(socket)).getName())
                    .as("socket volume of %s", sidecar)
                    .isEqualTo(socketVolume.getName());
        }
        Container registrar = container(pod, "node-driver-registrar");
        assertThat(flag(registrar, "--kubelet-registration-path"))
                .as("socket path kubelet dials")
                .isEqualTo(socketVolume.getHostPath().getPath() + "/" + fileName(socket));
        assertThat(volumeMountedAt(pod, registrar, "/registration")
                        .getHostPath()
                        .getPath())
                .as("kubelet's plugin registration dir")
                .isEqualTo(kubeletDir + "/plugins_registry");
        String registrationPath = flag(registrar, "--kubelet-registration-path");
        assertThat(registrar.getLivenessProbe().getExec().getCommand())
                .as("registrar's kubelet-registration-probe")
                .containsExactly(
                        "/csi-node-driver-registrar",
                        "--kubelet-registration-path=" + registrationPath,
                        "--mode=kubelet-registration-probe");
        assertThat(volumeMountedAt(pod, registrar, parent(registrationPath)).getName())
                .as("the registrar sees the socket dir at its node-side path too (registration probe file)")
                .isEqualTo(socketVolume.getName());
        assertLivenessProbeServedBySidecar(node, container(pod, "liveness-probe"));

        assertHostPathAtSamePath(pod, node, flag(node, "--device-plugin-dir"), null);
        assertThat(flag(node, "--device-plugin-dir")).isEqualTo(kubeletDir + "/device-plugins");
        assertUnderHostPathAtSamePath(pod, node, flag(node, "--store-dir"), "Bidirectional");
        assertHostPathAtSamePath(pod, node, kubeletDir + "/pods", "Bidirectional");
        assertHostPathAtSamePath(pod, node, kubeletDir + "/plugins", "Bidirectional");
        assertHostPathAtSamePath(pod, node, "/dev", null);
        assertThat(flag(node, "--node-id")).isEqualTo("$(NODE_NAME)");
        assertThat(env(node)).containsEntry("NODE_NAME", "spec.nodeName");
        assertThat(flag(node, "--metrics-port")).isEqualTo("9810");
    }

    private static void assertLivenessProbeServedBySidecar(Container component, Container livenessSidecar) {
        String probePort = component.getLivenessProbe().getHttpGet().getPort().getStrVal();
        assertThat(flag(livenessSidecar, "--health-port"))
                .as("livenessprobe port behind %s's probe", component.getName())
                .isEqualTo(String.valueOf(port(component, probePort)));
        assertThat(component.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    }

    private static void assertHostPathAtSamePath(PodSpec pod, Container container, String path, String propagation) {
        VolumeMount mount = container.getVolumeMounts().stream()
                .filter(m -> m.getMountPath().equals(path))
                .findFirst()
                .orElseThrow(() -> new AssertionError(container.getName() + " mounts nothing at " + path));
        Volume volume = volume(pod, mount.getName());
        assertThat(volume.getHostPath()).as("volume at %s is a hostPath", path).isNotNull();
        assertThat(volume.getHostPath().getPath()).as("host side of %s", path).isEqualTo(path);
        assertThat(mount.getMountPropagation()).as("propagation of %s", path).isEqualTo(propagation);
    }

    /** {@code path} lies in (or is) a hostPath mounted at its own node path with the given propagation. */
    static void assertUnderHostPathAtSamePath(PodSpec pod, Container container, String path, String propagation) {
        VolumeMount mount = container.getVolumeMounts().stream()
                .filter(m -> path.equals(m.getMountPath()) || path.startsWith(m.getMountPath() + "/"))
                .max(Comparator.comparingInt(m -> m.getMountPath().length()))
                .orElseThrow(() -> new AssertionError(container.getName() + " mounts nothing at or above " + path));
        Volume volume = volume(pod, mount.getName());
        assertThat(volume.getHostPath())
                .as("volume holding %s is a hostPath", path)
                .isNotNull();
        assertThat(volume.getHostPath().getPath())
                .as("host side of %s", mount.getMountPath())
                .isEqualTo(mount.getMountPath());
        assertThat(mount.getMountPropagation())
                .as("propagation of %s (holding %s)", mount.getMountPath(), path)
                .isEqualTo(propagation);
    }

    static PodSpec workload(RenderedChart chart, String component) {
        Stream<PodSpec> deployments = chart.all(Deployment.class).stream()
                .filter(d -> d.getMetadata().getName().endsWith("-" + component))
                .map(d -> d.getSpec().getTemplate().getSpec());
        Stream<PodSpec> daemonSets = chart.all(DaemonSet.class).stream()
                .filter(d -> d.getMetadata().getName().endsWith("-" + component))
                .map(d -> d.getSpec().getTemplate().getSpec());
        return Stream.concat(deployments, daemonSets)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no workload for " + component + " in " + chart.names()));
    }

    static Container container(PodSpec pod, String name) {
        return pod.getContainers().stream()
                .filter(c -> c.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no container " + name));
    }

    static List<String> args(Container container) {
        return container.getArgs() == null ? List.of() : container.getArgs();
    }

    /** Value of {@code --name=value} or {@code --name value}; fails when the flag is absent. */
    static String flag(Container container, String name) {
        List<String> args = args(container);
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).startsWith(name + "=")) {
                return args.get(i).substring(name.length() + 1);
            }
            if (args.get(i).equals(name) && i + 1 < args.size()) {
                return args.get(i + 1);
            }
        }
        throw new AssertionError(container.getName() + " has no " + name + " flag in " + args);
    }

    private static Map<String, String> env(Container container) {
        return container.getEnv().stream()
                .filter(e -> e.getValueFrom() != null && e.getValueFrom().getFieldRef() != null)
                .collect(java.util.stream.Collectors.toMap(
                        EnvVar::getName, e -> e.getValueFrom().getFieldRef().getFieldPath()));
    }

    private static int port(Container container, String name) {
        return container.getPorts().stream()
                .filter(p -> name.equals(p.getName()))
                .map(ContainerPort::getContainerPort)
                .findFirst()
                .orElseThrow(() -> new AssertionError(container.getName() + " declares no port " + name));
    }

    private static Volume volumeMountedAt(PodSpec pod, Container container, String mountPath) {
        String name = container.getVolumeMounts().stream()
                .filter(m -> m.getMountPath().equals(mountPath))
                .map(VolumeMount::getName)
                .findFirst()
                .orElseThrow(() -> new AssertionError(container.getName() + " mounts nothing at " + mountPath));
        return volume(pod, name);
    }

    private static Volume volume(PodSpec pod, String name) {
        return pod.getVolumes().stream()
                .filter(v -> v.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
    }

    private static String unixPath(String endpoint) {
        assertThat(endpoint).as("CSI endpoint").startsWith("unix:///");
        return endpoint.substring("unix://".length());
    }

    private static String parent(String path) {
        return path.substring(0, path.lastIndexOf('/'));
    }

    private static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    static Optional<Object> valueAt(Values values, String... keys) {
        Object current = values.nested();
        for (String key : keys) {
            if (!(current instanceof Map<?, ?> map) || !map.containsKey(key)) {
                return Optional.empty();
            }
            current = map.get(key);
        }
        return Optional.ofNullable(current);
    }
}
