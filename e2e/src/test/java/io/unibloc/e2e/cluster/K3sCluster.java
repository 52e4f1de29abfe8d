package io.unibloc.e2e.cluster;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * A one-node k3s cluster in a container with the unibloc images preloaded, next to an OCI registry container on the
 * same network. Closing it detaches the loop devices and unmounts what the node plugin left under the store
 * directory (loop devices belong to the host kernel and would outlive the container), then removes both containers,
 * the network and the image archives.
 */
final class K3sCluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(K3sCluster.class);
    /** k3s imports every archive in this folder into containerd before the kubelet starts. */
    private static final String AIRGAP_IMAGES = "/var/lib/rancher/k3s/agent/images/";

    private static final int REGISTRY_PORT = 5000;

    private final Network network;
    private final GenericContainer<?> registry;
    private final K3sContainer k3s;
    private final Path archives;
    private final String storeDir;

    private K3sCluster(
            Network network, GenericContainer<?> registry, K3sContainer k3s, Path archives, String storeDir) {
        this.network = network;
        this.registry = registry;
        this.k3s = k3s;
        this.archives = archives;
        this.storeDir = storeDir;
    }

    /**
     * @param k3sImage       e.g. rancher/k3s:v1.32.3-k3s1
     * @param registryImage  e.g. registry:2
     * @param images         local images to preload (they must exist in the engine)
     * @param storeDir       the node plugin's store directory, cleaned up on close
     */
    static K3sCluster start(String k3sImage, String registryImage, List<String> images, String storeDir) {
        Network network = Network.newNetwork();
        GenericContainer<?> registry = null;
        K3sContainer k3s = null;
        Path archives = null;
        try {
            archives = Files.createTempDirectory("unibloc-e2e-images-");
            registry = new GenericContainer<>(DockerImageName.parse(registryImage))
                    .withNetwork(network)
                    .withExposedPorts(REGISTRY_PORT)
                    .waitingFor(Wait.forHttp("/v2/").forPort(REGISTRY_PORT).forStatusCode(200));
            registry.start();
            k3s = new K3sContainer(DockerImageName.parse(k3sImage))
                    .withNetwork(network)
                    .withStartupTimeout(Duration.ofMinutes(5))
                    // The node plugin mounts kubelet's directories with Bidirectional propagation, which needs them on
                    // a shared mount; inside a container / is private unless made shared before k3s starts.
                    .withCreateContainerCmdModifier(cmd -> cmd.withEntrypoint(
                            "/bin/sh",
                            "-c",
                            "mount --make-rshared / || echo 'unibloc-e2e: cannot make / rshared' >&2; "
                                    + "exec /bin/k3s \"$@\"",
                            "k3s"));
            DockerClient docker = DockerClientFactory.instance().client();
            for (String image : images) {
                Path archive = save(docker, image, archives);
                k3s.withCopyToContainer(MountableFile.forHostPath(archive), AIRGAP_IMAGES + archive.getFileName());
            }
            k3s.start();
            return new K3sCluster(network, registry, k3s, archives, storeDir);
        } catch (IOException e) {
            stopQuietly(k3s, registry, network, archives);
            throw new UncheckedIOException("cannot stage images for k3s", e);
        } catch (RuntimeException e) {
            stopQuietly(k3s, registry, network, archives);
            throw e;
        }
    }

    /** True when the engine holds this image (the suite builds missing ones first). */
    static boolean hasImage(String image) {
        try {
            DockerClientFactory.instance().client().inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    private static Path save(DockerClient docker, String image, Path dir) throws IOException {
        Path archive = dir.resolve(image.replaceAll("[^A-Za-z0-9.-]", "_") + ".tar");
        try (InputStream in = docker.saveImageCmd(image).exec()) {
            Files.copy(in, archive, StandardCopyOption.REPLACE_EXISTING);
        }
        LOG.info("image staged for k3s image={} archive={} bytes={}", image, archive, Files.size(archive));
        return archive;
    }

    String kubeconfig() {
        return k3s.getKubeConfigYaml();
    }

    /** Where the test JVM pushes images: the registry's mapped port. */
    URI registryFromTest() {
        return URI.create("http://" + registry.getHost() + ":" + registry.getMappedPort(REGISTRY_PORT));
    }

    /**
     * Where Pods in k3s pull from: the registry container's address on the shared network (Pods resolve names
     * through CoreDNS, which does not know the engine's container names, so it is an IP address).
     */
    String registryForPods() {
        String ip = registry.getContainerInfo().getNetworkSettings().getNetworks().values().stream()
                .map(n -> n.getIpAddress())
                .filter(a -> a != null && !a.isBlank())
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("registry container has no network address"));
        return ip + ":" + REGISTRY_PORT;
    }

    /** Runs a command on the k3s node (the container) and returns its stdout; fails on a non-zero exit. */
    String exec(String... command) {
        try {
            ExecResult result = k3s.execInContainer(command);
            if (result.getExitCode() != 0) {
                throw new IllegalStateException("on the k3s node, " + String.join(" ", command) + " exited "
                        + result.getExitCode() + ": " + result.getStderr());
            }
            return result.getStdout();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command) + " on the k3s node", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
        }
    }

    /** Loop devices whose backing file lies under the store directory, as "device:file" lines of losetup -a. */
    List<String> loopDevicesOfStore() {
        List<String> devices = new ArrayList<>();
        for (String line : exec("losetup", "-a").split("\n")) {
            if (line.contains(storeDir)) {
                devices.add(line.strip());
            }
        }
        return devices;
    }

    /** Files and directories under the store whose name contains this text. */
    List<String> storeEntriesNamed(String text) {
        String out = exec("find", storeDir, "-name", "*" + text + "*");
        return out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    @Override
    public void close() {
        try {
            // Deepest mounts first, then every loop device backed by a file of this store.
            exec(
                    "sh",
                    "-c",
                    "grep ' " + storeDir + "' /proc/mounts | cut -d' ' -f2 | sort -r | "
                            + "while read m; do umount -l \"$m\"; done; "
                            + "losetup -a | grep '" + storeDir
                            + "' | cut -d: -f1 | while read d; do losetup -d \"$d\"; done; true");
        } catch (RuntimeException e) {
            LOG.warn(
                    "cleanup of the node plugin's mounts and loop devices failed store={} cause={}",
                    storeDir,
                    e.toString());
        }
        stopQuietly(k3s, registry, network, archives);
    }

    private static void stopQuietly(K3sContainer k3s, GenericContainer<?> registry, Network network, Path archives) {
        for (AutoCloseable resource : new AutoCloseable[] {k3s, registry, network}) {
            if (resource != null) {
                try {
                    resource.close();
                } catch (Exception e) {
                    LOG.warn("cannot stop {} cause={}", resource, e.toString());
                }
            }
        }
        if (archives != null) {
            try (var files = Files.walk(archives)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                LOG.warn("cannot delete image archives dir={} cause={}", archives, e.toString());
            }
        }
    }
}
