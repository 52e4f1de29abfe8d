package io.unibloc.csi.node;

import csi.v1.Csi;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.MeterRegistry;
import io.unibloc.blockstore.BlockStore;
import io.unibloc.csi.common.grpc.CallLoggingInterceptor;
import io.unibloc.csi.common.grpc.UnixSocketServer;
import io.unibloc.csi.common.identity.IdentityService;
import io.unibloc.csi.common.ops.OpsServer;
import io.unibloc.csi.node.kvm.KvmAvailability;
import io.unibloc.csi.node.kvm.KvmNode;
import io.unibloc.csi.node.kvm.KvmState;
import io.unibloc.csi.node.kvm.NodeLabeler;
import io.unibloc.csi.node.nodestore.NodeStoreReporter;
import io.unibloc.csi.node.prewarm.PrewarmController;
import io.unibloc.csi.node.publish.BlockPublisher;
import io.unibloc.csi.node.publish.PathPolicy;
import io.unibloc.csi.node.reconcile.BlockVolumeController;
import io.unibloc.csi.node.reconcile.BlockVolumeReconciler;
import io.unibloc.csi.node.service.NodeService;
import io.unibloc.csi.node.volume.VolumeLocks;
import io.unibloc.sandbox.accel.KvmVerdict;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one node plugin runs, given a Kubernetes client and an open block store: the CSI socket
 * (Identity + Node), the BlockVolume controller (on the node's JOSDK {@link Operator}), pre-warming, the NodeStore report and, where KVM works,
 * the device plugin and node labels (also on nodes without usable KVM, see {@link KvmNode}). {@code Main} and the tests start exactly this.
 */
public final class NodeComponents implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeComponents.class);

    /** What differs between production and tests. */
    public record Settings(
            String nodeId,
            Path storeDir,
            List<Path> allowedPaths,
            long maxVolumes,
            String kvmMode,
            String qemuBinary,
            Path kvmDevice,
            List<Path> kvmDeviceNodes,
            int kvmSlots,
            Path devicePluginDir,
            Duration reportEvery,
            Duration prewarmResync,
            BlockVolumeReconciler.Settings reconcile,
            boolean allowSoftwareEmulation,
            Duration verdictPoll) {
        /** Software emulation not allowed; the verdict file is read every 10 s. */
        public Settings(
                String nodeId,
                Path storeDir,
                List<Path> allowedPaths,
                long maxVolumes,
                String kvmMode,
                String qemuBinary,
                Path kvmDevice,
                List<Path> kvmDeviceNodes,
                int kvmSlots,
                Path devicePluginDir,
                Duration reportEvery,
                Duration prewarmResync,
                BlockVolumeReconciler.Settings reconcile) {
            this(
                    nodeId,
                    storeDir,
                    allowedPaths,
                    maxVolumes,
                    kvmMode,
                    qemuBinary,
                    kvmDevice,
                    kvmDeviceNodes,
                    kvmSlots,
                    devicePluginDir,
                    reportEvery,
                    prewarmResync,
                    reconcile,
                    false,
                    Duration.ofSeconds(10));
        }

        /** The same settings with software emulation allowed or not. */
        public Settings withAllowSoftwareEmulation(boolean allow) {
            return new Settings(
                    nodeId,
                    storeDir,
                    allowedPaths,
                    maxVolumes,
                    kvmMode,
                    qemuBinary,
                    kvmDevice,
                    kvmDeviceNodes,
                    kvmSlots,
                    devicePluginDir,
                    reportEvery,
                    prewarmResync,
                    reconcile,
                    allow,
                    verdictPoll);
        }

        /** Where the node's KVM verdict file lives, shared with the sandboxes through the device plugin. */
        public Path accelDir() {
            return storeDir.resolve("accel");
        }

        public static Settings defaults(String nodeId, Path storeDir, Path devicePluginDir) {
            return new Settings(
                    nodeId,
                    storeDir,
                    List.of(Path.of("/var/lib/kubelet")),
                    0,
                    "auto",
                    "qemu-system-x86_64",
                    Path.of("/dev/kvm"),
                    List.of(Path.of("/dev/kvm"), Path.of("/dev/net/tun"), Path.of("/dev/vhost-net")),
                    110,
                    devicePluginDir,
                    Duration.ofSeconds(30),
                    Duration.ofMinutes(5),
                    BlockVolumeReconciler.Settings.defaults());
        }
    }

    private final KubernetesClient client;
    private final BlockStore store;
    private final Settings settings;
    private final CallLoggingInterceptor interceptor;
    private final VolumeLocks locks = new VolumeLocks();
    private final InformerFailure informerFailure = new InformerFailure();
    private final Operator operator;
    private final BlockVolumeController volumes;
    private final PrewarmController prewarm;
    private final NodeStoreReporter reporter;
    private final KvmNode kvm;
    private final List<AutoCloseable> started = new ArrayList<>();

    public NodeComponents(
            KubernetesClient client, BlockStore store, Settings settings, MeterRegistry meters, Clock clock) {
        this.client = client;
        this.store = store;
        this.settings = settings;
        this.interceptor = new CallLoggingInterceptor(meters);
        this.operator = NodeOperator.create(client, meters, informerFailure);
        this.volumes = new BlockVolumeController(
                operator, client, store, settings.nodeId(), locks, clock, meters, settings.reconcile());
        this.prewarm = new PrewarmController(client, store, settings.nodeId(), clock, settings.prewarmResync());
        AtomicReference<KvmNode> kvmRef = new AtomicReference<>();
        Supplier<Optional<KvmState>> kvmState =
                () -> Optional.ofNullable(kvmRef.get()).flatMap(KvmNode::state);
        this.reporter = new NodeStoreReporter(
                client,
                store,
                settings.nodeId(),
                settings.storeDir(),
                prewarm::images,
                kvmState,
                clock,
                settings.reportEvery(),
                meters);
        KvmNode.Settings kvmSettings = new KvmNode.Settings(
                settings.accelDir(),
                settings.kvmDevice(),
                settings.kvmDeviceNodes(),
                settings.kvmSlots(),
                settings.devicePluginDir(),
                settings.allowSoftwareEmulation(),
                settings.verdictPoll());
        AtomicReference<KvmVerdict> verdict = new AtomicReference<>();
        this.kvm = new KvmNode(
                kvmSettings,
                () -> KvmAvailability.decide(
                        settings.kvmMode(),
                        settings.qemuBinary(),
                        settings.kvmDevice(),
                        Duration.ofSeconds(10),
                        verdict.get()),
                new NodeLabeler(client, settings.nodeId()),
                interceptor,
                meters,
                state -> reporter.refresh());
        verdict.set(kvm.verdict());
        kvmRef.set(kvm);
    }

    /** Serves the CSI socket first (Probe says not ready until the controller has synced), then starts the rest. */
    public UnixSocketServer start(Path socket) {
        IdentityService identity = new IdentityService(
                List.of(Csi.PluginCapability.Service.Type.VOLUME_ACCESSIBILITY_CONSTRAINTS),
                () -> volumes.synced()
                        ? new IdentityService.Readiness.Ready()
                        : new IdentityService.Readiness.Starting("BlockVolume informer"));
        NodeService node = new NodeService(
                settings.nodeId(),
                settings.maxVolumes(),
                store,
                volumes.records(),
                locks,
                new PathPolicy(settings.allowedPaths(), settings.storeDir()),
                new BlockPublisher(),
                volumes::nudge);
        UnixSocketServer server = UnixSocketServer.start(socket, List.of(identity, node), interceptor);
        started.add(server);
        informerFailure.onFatal(server::close);
        started.add(volumes);
        operator.start();
        started.add(operator::stop);
        volumes.start();
        prewarm.start();
        started.add(prewarm);
        reporter.start();
        started.add(reporter);
        Thread probe = new Thread(this::setUpKvm, "kvm-probe");
        probe.setDaemon(true);
        probe.start();
        return server;
    }

    /** Probes KVM, labels the node, serves the device plugin and watches the verdict file. */
    void setUpKvm() {
        kvm.start();
    }

    /**
     * The error that stopped an informer after its sync, if one did: the CSI server has been closed and the plugin
     * must exit non-zero once {@link #close()} has run.
     */
    public Optional<Throwable> fatal() {
        return informerFailure.cause();
    }

    /** The node's JOSDK operator (tests reach its configuration through it). */
    Operator operator() {
        return operator;
    }

    public Optional<KvmState> kvm() {
        return kvm.state();
    }

    public BlockVolumeController volumes() {
        return volumes;
    }

    public NodeStoreReporter reporter() {
        return reporter;
    }

    public OpsServer.Health health() {
        return volumes.synced()
                ? OpsServer.Health.ok()
                : new OpsServer.Health(false, "BlockVolume informer not synced");
    }

    @Override
    public void close() {
        kvm.close();
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                LOG.warn("error while stopping {}", started.get(i).getClass().getSimpleName(), e);
            }
        }
        started.clear();
    }
}
