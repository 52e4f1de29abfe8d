package io.unibloc.csi.node;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.unibloc.blockstore.BlockStore;
import io.unibloc.blockstore.StoreConfig;
import io.unibloc.csi.common.Cli;
import io.unibloc.csi.common.ComponentOptions;
import io.unibloc.csi.common.KubeClients;
import io.unibloc.csi.common.grpc.SocketEndpoint;
import io.unibloc.csi.common.grpc.UnixSocketServer;
import io.unibloc.csi.common.identity.IdentityService;
import io.unibloc.csi.common.ops.OpsServer;
import io.unibloc.csi.node.reconcile.BlockVolumeReconciler;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code csi-node}: CSI Identity + Node on a UNIX socket, BlockVolume controller, KVM device plugin, metrics and health. */
@Command(
        name = "csi-node",
        mixinStandardHelpOptions = true,
        version = IdentityService.VENDOR_VERSION,
        description = "unibloc CSI node plugin (driver block.unibloc.io): owns this node's block store.")
public final class Main implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    @Mixin
    ComponentOptions common;

    @Option(
            names = "--node-id",
            required = true,
            description = "this node's name (the Node object, the topology segment)")
    String nodeId;

    @Option(
            names = "--store-dir",
            defaultValue = "/var/lib/unibloc",
            description = "block store directory (default: ${DEFAULT-VALUE})")
    Path storeDir;

    @Option(
            names = "--store-size",
            description =
                    "size of the loop-mounted store file when the directory's filesystem cannot reflink, e.g. 20Gi")
    String storeSize;

    @Option(
            names = "--metrics-port",
            defaultValue = "9810",
            description = "HTTP port of /metrics and /healthz (default: ${DEFAULT-VALUE})")
    int metricsPort;

    @Option(
            names = "--device-plugin-dir",
            defaultValue = "/var/lib/kubelet/device-plugins",
            description = "kubelet's device plugin directory (default: ${DEFAULT-VALUE})")
    Path devicePluginDir;

    @Option(
            names = "--kubelet-dir",
            split = ",",
            defaultValue = "/var/lib/kubelet",
            description = "directories staging and target paths must lie in (default: ${DEFAULT-VALUE})")
    List<Path> allowedPaths;

    @Option(
            names = "--kvm",
            defaultValue = "auto",
            description = "auto (probe by booting a tiny guest), true or false (default: ${DEFAULT-VALUE})")
    String kvmMode;

    @Option(
            names = "--qemu",
            defaultValue = "qemu-system-x86_64",
            description = "QEMU binary for the KVM probe (default: ${DEFAULT-VALUE})")
    String qemu;

    @Option(
            names = "--kvm-slots",
            defaultValue = "110",
            description = "how many unibloc.io/kvm devices to advertise (default: ${DEFAULT-VALUE})")
    int kvmSlots;

    @Option(
            names = "--allow-software-emulation",
            defaultValue = "${env:UNIBLOC_ALLOW_SOFTWARE_EMULATION:-false}",
            description = "on a node without usable KVM, still offer unibloc.io/kvm so that guests run under TCG"
                    + " (default: ${DEFAULT-VALUE}, env UNIBLOC_ALLOW_SOFTWARE_EMULATION)")
    boolean allowSoftwareEmulation;

    @Option(
            names = "--max-volumes",
            defaultValue = "0",
            description = "max volumes per node for the scheduler; 0 = no limit")
    long maxVolumes;

    @Option(names = "--cache-budget", description = "unused images kept before least-recently-used eviction, e.g. 10Gi")
    String cacheBudget;

    @Option(
            names = "--store-backend",
            defaultValue = "auto",
            description = "auto, reflink, xfs-loop or copy; auto never falls back to copy (default: ${DEFAULT-VALUE})")
    String storeBackend;

    @Option(
            names = "--overprovision-ratio",
            defaultValue = "1.0",
            description = "factor applied to the free space offered to the scheduler (default: ${DEFAULT-VALUE})")
    double overprovisionRatio;

    public static void main(String[] args) {
        System.exit(Cli.run(new Main(), args));
    }

    @Override
    public Integer call() throws Exception {
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        NodeComponents.Settings defaults = NodeComponents.Settings.defaults(nodeId, storeDir, devicePluginDir);
        StoreConfig storeConfig = StoreOpener.config(
                        storeDir, storeSize, cacheBudget, common.insecureRegistries(), meters)
                .withBackend(StoreConfig.Backend.parse(storeBackend))
                .withOverprovisionRatio(overprovisionRatio);
        BlockVolumeReconciler.Settings reconcile = BlockVolumeReconciler.Settings.defaults();
        reconcile = new BlockVolumeReconciler.Settings(
                reconcile.preparers(),
                reconcile.resync(),
                reconcile.sweepEvery(),
                reconcile.retryBase(),
                reconcile.retryMax(),
                reconcile.deferredDeleteRecheck(),
                reconcile.internalRetries(),
                storeConfig.gcBudgetBytes());
        NodeComponents.Settings settings = new NodeComponents.Settings(
                        nodeId,
                        storeDir,
                        allowedPaths,
                        maxVolumes,
                        kvmMode,
                        qemu,
                        defaults.kvmDevice(),
                        defaults.kvmDeviceNodes(),
                        kvmSlots,
                        devicePluginDir,
                        defaults.reportEvery(),
                        defaults.prewarmResync(),
                        reconcile)
                .withAllowSoftwareEmulation(allowSoftwareEmulation);
        Optional<Throwable> fatal;
        try (KubernetesClient kube = KubeClients.create(common.kubeconfig());
                BlockStore store = StoreOpener.open(storeConfig);
                NodeComponents components = new NodeComponents(kube, store, settings, meters, Clock.systemUTC())) {
            UnixSocketServer server =
                    components.start(SocketEndpoint.parse(common.endpoint()).path());
            try (OpsServer ops = OpsServer.start(metricsPort, meters, components::health)) {
                Runtime.getRuntime().addShutdownHook(new Thread(server::close, "shutdown"));
                server.awaitTermination();
            }
            fatal = components.fatal();
        }
        if (fatal.isPresent()) {
            // Everything above is closed (store included); non-zero so that the kubelet restarts the plugin.
            LOG.error("exiting after an informer failure cause={}", fatal.get().toString());
            return 1;
        }
        return 0;
    }
}
