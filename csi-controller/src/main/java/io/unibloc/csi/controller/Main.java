package io.unibloc.csi.controller;

import csi.v1.Csi;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.unibloc.csi.common.Cli;
import io.unibloc.csi.common.ComponentOptions;
import io.unibloc.csi.common.KubeClients;
import io.unibloc.csi.common.grpc.CallLoggingInterceptor;
import io.unibloc.csi.common.grpc.SocketEndpoint;
import io.unibloc.csi.common.grpc.UnixSocketServer;
import io.unibloc.csi.common.identity.IdentityService;
import io.unibloc.csi.common.ops.OpsServer;
import io.unibloc.csi.controller.nodes.NodeCleanup;
import io.unibloc.csi.controller.provision.ClaimLookup;
import io.unibloc.csi.controller.provision.PullCredentials;
import io.unibloc.csi.controller.provision.VolumeProvisioner;
import io.unibloc.csi.controller.provision.VolumeRequest;
import io.unibloc.csi.controller.records.BlockVolumeRecords;
import io.unibloc.csi.controller.service.ControllerService;
import io.unibloc.csi.controller.topology.CapacityReport;
import io.unibloc.csi.controller.topology.NodeChooser;
import io.unibloc.csi.controller.topology.NodeStores;
import io.unibloc.registry.client.RegistryClient;
import io.unibloc.registry.client.RegistryConfig;
import io.unibloc.registry.manifest.Platform;
import io.unibloc.registry.pin.ImagePinner;
import io.unibloc.registry.pin.RegistryImagePinner;
import io.unibloc.types.WriteMode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code csi-controller}: CSI Identity + Controller on a UNIX socket, metrics and health over HTTP. */
@Command(
        name = "csi-controller",
        mixinStandardHelpOptions = true,
        version = IdentityService.VENDOR_VERSION,
        description = "unibloc CSI controller (driver block.unibloc.io): records volumes as BlockVolume resources.")
public final class Main implements Callable<Integer> {
    @Mixin
    ComponentOptions common;

    @Option(
            names = "--metrics-port",
            defaultValue = "9811",
            description = "HTTP port of /metrics and /healthz (default: ${DEFAULT-VALUE})")
    int metricsPort;

    @Option(
            names = "--create-wait",
            defaultValue = "PT8S",
            description =
                    "how long CreateVolume waits for the node before answering ABORTED (ISO-8601, default: ${DEFAULT-VALUE})")
    Duration createWait;

    @Option(
            names = "--node-store-stale-after",
            defaultValue = "PT3M",
            description = "NodeStore reports older than this count as no store (default: ${DEFAULT-VALUE})")
    Duration staleAfter;

    @Option(
            names = "--default-write-mode",
            defaultValue = "ephemeral",
            converter = WriteModeConverter.class,
            description = "persistent|ephemeral: the write mode of a volume whose claim annotation and StorageClass"
                    + " parameter do not say (default: ${DEFAULT-VALUE}); a flag, not a class parameter, because"
                    + " class parameters cannot change after install")
    WriteMode defaultWriteMode;

    @Option(
            names = "--remove-node-finalizers",
            description = "take this driver's finalizer off every Node and exit (the chart's uninstall hook)")
    boolean removeNodeFinalizers;

    public static void main(String[] args) {
        System.exit(Cli.run(new Main(), args));
    }

    @Override
    public Integer call() throws Exception {
        if (removeNodeFinalizers) {
            try (KubernetesClient kube = KubeClients.create(common.kubeconfig())) {
                return removeNodeFinalizers(new NodeCleanup(kube, Duration.ofSeconds(1), Duration.ofMinutes(1)));
            }
        }
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // Few, quick attempts: the provisioner calls again anyway, and a call must not outlive its deadline.
        RegistryConfig registryConfig = RegistryConfig.defaults()
                .withInsecure(Set.copyOf(common.insecureRegistries()))
                .withRetries(2, Duration.ofMillis(200), Duration.ofSeconds(1))
                .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(5));
        try (KubernetesClient kube = KubeClients.create(common.kubeconfig());
                RegistryClient registry = new RegistryClient(registryConfig, meters)) {
            ImagePinner pinner = new RegistryImagePinner(registry, Platform.DEFAULT);
            ControllerComponents components = ControllerComponents.create(
                    kube, pinner, meters, createWait, staleAfter, defaultWriteMode, Clock.systemUTC());
            try (UnixSocketServer server = components.serve(
                            SocketEndpoint.parse(common.endpoint()).path());
                    NodeCleanup cleanup = new NodeCleanup(kube, Duration.ofSeconds(1), Duration.ofMinutes(5))
                            .start(Duration.ofMinutes(5));
                    OpsServer ops = OpsServer.start(metricsPort, meters, OpsServer.Health::ok)) {
                Runtime.getRuntime().addShutdownHook(new Thread(server::close, "shutdown"));
                server.awaitTermination();
            }
        }
        return 0;
    }

    /**
     * Removes the finalizer from every Node, pass after pass until a pass finds none: a controller Pod of the
     * release that is still terminating may put it back once. Gives up (exit 1) when a controller keeps adding it.
     */
    static int removeNodeFinalizers(NodeCleanup cleanup) throws InterruptedException {
        for (int pass = 1; pass <= 30; pass++) {
            if (cleanup.removeFinalizers() == 0) {
                return 0;
            }
            Thread.sleep(Duration.ofSeconds(5).toMillis());
        }
        System.err.println("csi-controller: the finalizer " + NodeCleanup.FINALIZER
                + " keeps coming back on Nodes: a csi-controller of this driver is still running");
        return 1;
    }

    /**
     * Reads {@code --default-write-mode} strictly: blank is refused, not taken for persistent as {@link
     * WriteMode#parse} does for records written before the field existed.
     */
    static final class WriteModeConverter implements CommandLine.ITypeConverter<WriteMode> {
        @Override
        public WriteMode convert(String value) {
            for (WriteMode mode : WriteMode.values()) {
                if (mode.id().equals(value.strip().toLowerCase(Locale.ROOT))) {
                    return mode;
                }
            }
            throw new CommandLine.TypeConversionException(
                    "'" + value + "' is not a write mode: use persistent or ephemeral");
        }
    }

    /** Everything behind the socket, so that tests start exactly what {@code main} starts. */
    public record ControllerComponents(
            IdentityService identity, ControllerService controller, CallLoggingInterceptor interceptor) {
        public static ControllerComponents create(
                KubernetesClient kube,
                ImagePinner pinner,
                io.micrometer.core.instrument.MeterRegistry meters,
                Duration createWait,
                Duration staleAfter,
                Clock clock) {
            return create(kube, pinner, meters, createWait, staleAfter, VolumeRequest.DEFAULT_WRITE_MODE, clock);
        }

        /** @param defaultWriteMode the mode of a new volume whose claim and class do not say */
        public static ControllerComponents create(
                KubernetesClient kube,
                ImagePinner pinner,
                io.micrometer.core.instrument.MeterRegistry meters,
                Duration createWait,
                Duration staleAfter,
                WriteMode defaultWriteMode,
                Clock clock) {
            BlockVolumeRecords records = new BlockVolumeRecords(kube);
            NodeStores stores = new NodeStores(kube, clock, staleAfter);
            VolumeProvisioner provisioner = new VolumeProvisioner(
                    records,
                    new ClaimLookup(kube),
                    pinner,
                    new NodeChooser(stores),
                    new PullCredentials(kube),
                    defaultWriteMode);
            IdentityService identity = new IdentityService(
                    List.of(
                            Csi.PluginCapability.Service.Type.CONTROLLER_SERVICE,
                            Csi.PluginCapability.Service.Type.VOLUME_ACCESSIBILITY_CONSTRAINTS),
                    IdentityService.Readiness.Ready::new);
            return new ControllerComponents(
                    identity,
                    new ControllerService(provisioner, records, new CapacityReport(stores), createWait),
                    new CallLoggingInterceptor(meters));
        }

        public UnixSocketServer serve(Path socket) {
            return UnixSocketServer.start(socket, List.of(identity, controller), interceptor);
        }
    }
}
