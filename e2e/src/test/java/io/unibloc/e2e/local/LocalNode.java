package io.unibloc.e2e.local;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.unibloc.blockstore.BlockStore;
import io.unibloc.blockstore.DefaultBlockStore;
import io.unibloc.blockstore.StoreConfig;
import io.unibloc.csi.common.grpc.UnixSocketChannels;
import io.unibloc.csi.node.NodeComponents;
import io.unibloc.csi.node.reconcile.BlockVolumeReconciler;
import io.unibloc.testkit.guest.TestGuest;
import io.unibloc.testkit.registry.TestRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One node's worth of unibloc, started in-process and shared by a test class: the test registry with the
 * pushed image, the mock API server (CRUD), a real {@link DefaultBlockStore} in a temporary directory (an XFS
 * loop file on this machine's ext4), and the csi-node plugin ({@link NodeComponents}: reconciler and CSI socket)
 * exactly as its {@code Main} wires it, with KVM probing and the device plugin off. Everything lives under one
 * temporary directory: {@code store/}, {@code kubelet/} (the only place targets may be), {@code sandbox/}
 * (the sandbox's work directories) and {@code csi.sock}.
 *
 * <p>{@link #close()} tears down in reverse order and never deletes through a mount: it unmounts what is left
 * under the directory, detaches loop devices backed by its files (read-only overlays first), unmounts the store
 * and only then deletes the directory. Each step runs even when an earlier one failed.
 */
final class LocalNode implements AutoCloseable {
    static final String NODE_ID = "e2e-local-node";

    final Path dir;
    final Path storeDir;
    final Path kubeletDir;
    final Path sandboxWorkDir;
    TestGuest guest;
    TestRegistry registry;
    LayeredGuestImage image;
    KubernetesMockServer apiServer;
    KubernetesClient client;
    DefaultBlockStore store;
    NodeComponents components;
    UnixSocketChannels.Handle channel;
    Kubelet kubelet;

    private LocalNode(Path dir) {
        this.dir = dir;
        this.storeDir = dir.resolve("store");
        this.kubeletDir = dir.resolve("kubelet");
        this.sandboxWorkDir = dir.resolve("sandbox");
    }

    /** Starts everything; on failure, stops what had started and rethrows. */
    static LocalNode start() throws Exception {
        LocalNode node = new LocalNode(Files.createTempDirectory("unibloc-e2e-local-"));
        try {
            node.startParts();
            return node;
        } catch (Exception | Error e) {
            try {
                node.close();
            } catch (Exception cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private void startParts() throws Exception {
        Files.createDirectories(kubeletDir);
        Files.createDirectories(sandboxWorkDir);
        guest = TestGuest.prepare();
        registry = TestRegistry.start();
        image = LayeredGuestImage.push(registry, guest, dir);

        apiServer = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        apiServer.init();
        client = apiServer.createClient();

        store = DefaultBlockStore.open(StoreConfig.defaults(storeDir).withXfsLoopBytes(2L << 30));
        NodeComponents.Settings defaults = NodeComponents.Settings.defaults(NODE_ID, storeDir, null);
        // Production tunables except: KVM off (no probe guest, no device plugin), quick retries and reports.
        BlockVolumeReconciler.Settings reconcile = new BlockVolumeReconciler.Settings(
                2,
                Duration.ofMinutes(5),
                Duration.ofHours(1),
                Duration.ofMillis(200),
                Duration.ofSeconds(2),
                Duration.ofMillis(200),
                1,
                Long.MAX_VALUE);
        NodeComponents.Settings settings = new NodeComponents.Settings(
                NODE_ID,
                storeDir,
                List.of(kubeletDir),
                0,
                "false",
                "qemu-system-x86_64",
                defaults.kvmDevice(),
                defaults.kvmDeviceNodes(),
                1,
                null,
                Duration.ofSeconds(5),
                Duration.ofMinutes(5),
                reconcile);
        components = new NodeComponents(client, store, settings, new SimpleMeterRegistry(), Clock.systemUTC());
        Path socket = components.start(dir.resolve("csi.sock")).socket();
        channel = UnixSocketChannels.open(socket);
        kubelet = new Kubelet(channel.channel(), kubeletDir);
    }

    /** The directory a volume's clone lives in, wherever the store's backend keeps its data. */
    Path volumeDir(String volumeId) {
        Path onXfsLoop = storeDir.resolve("mnt/volumes").resolve(volumeId);
        return Files.isDirectory(storeDir.resolve("mnt/volumes"))
                ? onXfsLoop
                : storeDir.resolve("volumes").resolve(volumeId);
    }

    @Override
    public void close() throws Exception {
        List<Exception> failures = new ArrayList<>();
        step(failures, () -> {
            if (channel != null) {
                channel.close();
            }
        });
        step(failures, () -> {
            if (components != null) {
                components.close();
            }
        });
        // Targets first: the store's own XFS mount must stay until the store has detached its volumes.
        step(failures, () -> unmountLeftovers(kubeletDir));
        step(failures, this::detachLeftoverLoops);
        step(failures, () -> {
            if (store != null) {
                for (BlockStore.Volume volume : store.listVolumes()) {
                    store.detach(volume.id());
                }
                store.close();
            }
        });
        step(failures, () -> unmountLeftovers(dir));
        step(failures, () -> {
            if (client != null) {
                client.close();
            }
            if (apiServer != null) {
                apiServer.destroy();
            }
        });
        step(failures, () -> {
            if (registry != null) {
                registry.close();
            }
        });
        step(failures, this::deleteDir);
        if (!failures.isEmpty()) {
            Exception first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    private static void unmountLeftovers(Path under) {
        for (Path mount : HostState.mountsUnder(under)) {
            HostState.Output out = HostState.run(List.of("umount", mount.toString()), Map.of());
            if (!out.ok()) {
                HostState.run(List.of("umount", "-l", mount.toString()), Map.of());
            }
        }
    }

    /** Read-only overlays (backed by one of our loop devices) first, then loop devices backed by our files. */
    private void detachLeftoverLoops() {
        List<HostState.Loop> loops = HostState.loops();
        List<String> ours = new ArrayList<>();
        for (HostState.Loop loop : loops) {
            if (Path.of(loop.backingFile()).startsWith(storeDir)
                    && !loop.backingFile().endsWith("/xfs.img")) {
                ours.add(loop.device());
            }
        }
        for (HostState.Loop loop : loops) {
            if (ours.contains(loop.backingFile())) {
                HostState.run(List.of("losetup", "-d", loop.device()), Map.of());
            }
        }
        for (String device : ours) {
            HostState.run(List.of("losetup", "-d", device), Map.of());
        }
    }

    private void deleteDir() throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        List<Path> mounts = HostState.mountsUnder(dir);
        if (!mounts.isEmpty()) {
            throw new IllegalStateException("not deleting " + dir + ": still mounted " + mounts);
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void step(List<Exception> failures, Step step) {
        try {
            step.run();
        } catch (Exception e) {
            failures.add(e);
        }
    }
}
