package io.unibloc.csi.node.kvm;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.unibloc.csi.common.grpc.CallLoggingInterceptor;
import io.unibloc.sandbox.accel.KvmVerdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * KVM on this node, kept consistent everywhere it shows: decides once at start (probe, verdict file or
 * {@code --kvm}), then labels the node, serves the device plugin and reports through {@code onChange}. Every
 * {@code verdictPoll} it reads the node's verdict file, which sandboxes write when a guest's KVM boot hangs: a
 * verdict on a node that offered KVM turns it into a TCG node ({@code GuestFellBack}) — labels, device
 * plugin and NodeStore flip together. The device plugin runs on every node: on a node without usable KVM its
 * devices are healthy only when software emulation is allowed.
 *
 * <p>Metrics: {@code unibloc_node_kvm_usable} (0/1), {@code unibloc_kvm_probe_duration_seconds} and
 * {@code unibloc_kvm_guest_fallbacks_total}.
 */
public final class KvmNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KvmNode.class);

    /**
     * @param accelDir the host directory of the node's verdict file, shared with sandboxes ({@code <store>/accel})
     * @param devicePluginDir kubelet's device plugin directory; {@code null}: no device plugin (tests, standalone)
     * @param allowSoftwareEmulation whether sandbox Pods may run under TCG on this node
     */
    public record Settings(
            Path accelDir,
            Path kvmDevice,
            List<Path> deviceNodes,
            int slots,
            Path devicePluginDir,
            boolean allowSoftwareEmulation,
            Duration verdictPoll) {}

    private final Settings settings;
    private final Supplier<KvmState> decide;
    private final NodeLabeler labeler;
    private final CallLoggingInterceptor interceptor;
    private final Consumer<KvmState> onChange;
    private final KvmVerdict verdict;
    private final Counter fallbacks;
    private final AtomicReference<KvmState> state = new AtomicReference<>();
    private final AtomicReference<KvmDevicePlugin> plugin = new AtomicReference<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kvm-verdict-watch");
        t.setDaemon(true);
        return t;
    });
    private DevicePluginRegistrar registrar;
    private boolean closed;

    /**
     * @param decide the start-up decision, e.g. {@link KvmAvailability#decide} with {@link #verdict()}'s file
     */
    public KvmNode(
            Settings settings,
            Supplier<KvmState> decide,
            NodeLabeler labeler,
            CallLoggingInterceptor interceptor,
            MeterRegistry meters,
            Consumer<KvmState> onChange) {
        this.settings = settings;
        this.decide = decide;
        this.labeler = labeler;
        this.interceptor = interceptor;
        this.onChange = onChange;
        this.verdict = new KvmVerdict(verdictFile(settings.accelDir()));
        Gauge.builder(
                        "unibloc.node.kvm.usable",
                        state,
                        s -> s.get() == null ? Double.NaN : s.get().usable() ? 1 : 0)
                .description("1 when guests on this node run under KVM, 0 under TCG")
                .register(meters);
        Gauge.builder(
                        "unibloc.kvm.probe.duration.seconds",
                        state,
                        s -> s.get() == null ? Double.NaN : s.get().probeTook().toNanos() / 1e9)
                .description("how long the KVM decision took at start (the probe guest's boot)")
                .register(meters);
        this.fallbacks = Counter.builder("unibloc.kvm.guest.fallbacks")
                .description("KVM verdicts written by sandboxes whose guest hung under KVM")
                .register(meters);
    }

    public static Path verdictFile(Path accelDir) {
        return accelDir.resolve(KvmDevicePlugin.VERDICT_FILE_NAME);
    }

    /** The node's verdict file, for the start-up probe. */
    public KvmVerdict verdict() {
        return verdict;
    }

    /** Decides, applies the answer, starts the device plugin and the verdict watch. Never throws. */
    public void start() {
        prepareAccelDir();
        KvmState decided;
        try {
            decided = decide.get();
        } catch (RuntimeException e) {
            decided =
                    new KvmState(false, KvmState.Reason.ProbeFailed, "probe failed: " + e.getMessage(), Duration.ZERO);
        }
        LOG.info(
                "kvm usable={} reason={} message={} allowSoftwareEmulation={}",
                decided.usable(),
                decided.reason(),
                decided.message(),
                settings.allowSoftwareEmulation());
        if (!decided.usable() && !settings.allowSoftwareEmulation()) {
            LOG.warn("no usable KVM and software emulation is not allowed: unikernel Pods will not be scheduled here"
                    + " (set sandbox.allowSoftwareEmulation=true to run them under TCG)");
        }
        apply(decided);
        startServing();
    }

    /** The probe can outlast a quick shutdown: nothing starts after {@link #close}. */
    private synchronized void startServing() {
        if (closed) {
            return;
        }
        if (settings.devicePluginDir() != null) {
            registrar = new DevicePluginRegistrar(
                    settings.devicePluginDir(), this::newPlugin, interceptor, Duration.ofSeconds(5));
            registrar.start();
        }
        timer.scheduleWithFixedDelay(
                this::checkVerdictQuietly,
                settings.verdictPoll().toMillis(),
                settings.verdictPoll().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    public Optional<KvmState> state() {
        return Optional.ofNullable(state.get());
    }

    /** What the device plugin offers for a state. */
    public KvmDevicePlugin.Offer offer(KvmState s) {
        return new KvmDevicePlugin.Offer(s.usable(), s.usable() || settings.allowSoftwareEmulation());
    }

    /** A fresh plugin for each registration, offering what the current state says. */
    KvmDevicePlugin newPlugin() {
        KvmState s = state.get();
        KvmDevicePlugin p = new KvmDevicePlugin(
                settings.slots(), settings.kvmDevice(), settings.deviceNodes(), settings.accelDir(), offer(s));
        plugin.set(p);
        return p;
    }

    /**
     * Reads the verdict file once: a verdict on a node that offers KVM (unless forced) turns it into a TCG node.
     * Returns whether it flipped.
     */
    public synchronized boolean checkVerdict() {
        KvmState current = state.get();
        if (current == null || !current.usable() || current.reason() == KvmState.Reason.Forced) {
            return false;
        }
        Optional<String> why = verdict.kvmUnusable();
        if (why.isEmpty()) {
            return false;
        }
        fallbacks.increment();
        LOG.warn("a guest on this node fell back to TCG ({}); the node no longer offers KVM", why.get());
        apply(new KvmState(false, KvmState.Reason.GuestFellBack, why.get(), current.probeTook()));
        return true;
    }

    private void checkVerdictQuietly() {
        try {
            checkVerdict();
        } catch (RuntimeException e) {
            // A fixed-delay task that throws never runs again.
            LOG.error("checking the KVM verdict file={} failed: {}", verdict.file(), e.toString());
        }
    }

    private void apply(KvmState next) {
        state.set(next);
        labeler.label(next);
        KvmDevicePlugin p = plugin.get();
        if (p != null) {
            p.offer(offer(next));
        }
        onChange.accept(next);
    }

    /** Sandboxes may run as uid 65532: the shared directory must let them write the verdict. */
    private void prepareAccelDir() {
        try {
            Files.createDirectories(settings.accelDir());
            Files.setPosixFilePermissions(settings.accelDir(), PosixFilePermissions.fromString("rwxrwxrwx"));
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn(
                    "cannot prepare the shared accelerator directory {}: {}; sandboxes cannot share the KVM verdict",
                    settings.accelDir(),
                    e.toString());
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        timer.shutdownNow();
        labeler.close();
        if (registrar != null) {
            registrar.close();
        }
    }
}
