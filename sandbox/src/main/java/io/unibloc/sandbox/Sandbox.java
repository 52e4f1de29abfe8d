package io.unibloc.sandbox;

import io.unibloc.sandbox.accel.Accel;
import io.unibloc.sandbox.accel.HostTsc;
import io.unibloc.sandbox.accel.KvmProbe;
import io.unibloc.sandbox.accel.KvmVerdict;
import io.unibloc.sandbox.launch.CommandLine;
import io.unibloc.sandbox.launch.GuestNetwork;
import io.unibloc.sandbox.launch.LaunchPlan;
import io.unibloc.sandbox.launch.LaunchPlanner;
import io.unibloc.sandbox.launch.RootOverlay;
import io.unibloc.sandbox.launch.VmmCommandBuilder;
import io.unibloc.sandbox.net.GuestNetworking;
import io.unibloc.sandbox.net.NetworkAttachment;
import io.unibloc.sandbox.net.NetworkOptions;
import io.unibloc.sandbox.net.NetworkSetupException;
import io.unibloc.sandbox.runtime.BootWatchdog;
import io.unibloc.sandbox.runtime.Console;
import io.unibloc.sandbox.runtime.RunResult;
import io.unibloc.sandbox.runtime.RunningGuest;
import io.unibloc.sandbox.runtime.VmmControl;
import io.unibloc.sandbox.runtime.VmmProcess;
import io.unibloc.sandbox.spec.BootSpec;
import io.unibloc.sandbox.spec.InvalidBootSpecException;
import io.unibloc.sandbox.tool.ProcessRunner;
import io.unibloc.types.NetworkMode;
import io.unibloc.types.Vmm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Boots guests. One instance per process is enough (it caches the KVM probe's answer); it is thread-safe
 * and each {@link #start} is independent of the others.
 *
 * <p>A boot: resolve the spec; project files into the root filesystem; read the kernel (and initrd) out of
 * it unless given as host files; pick KVM or TCG; build the VMM command line; start the VMM and stream the
 * console under a boot watchdog. The per-boot work directory is removed when the guest has ended. A spec with a
 * network first gets the host end of its NIC (see {@link GuestNetworking}); a failure there ends the start before
 * any VMM runs ({@link SandboxNetworkException}), and the guest's end removes it again.
 *
 * <p>In {@code auto} accelerator mode a QEMU boot under KVM whose watchdog trips before any console output is
 * retried once under TCG, and the KVM probe is told (so later boots, and with a verdict file later
 * processes, go straight to TCG).
 */
public final class Sandbox {

    private static final Logger LOG = LoggerFactory.getLogger(Sandbox.class);

    private final SandboxOptions options;
    private final KvmProbe kvmProbe;
    private final LaunchPlanner planner;
    /** Where an ephemeral root's overlay goes ({@code UNIBLOC_ROOT_OVERLAY}); null boots the device itself. */
    private final Path rootOverlay;

    private final GuestNetworking networking;

    public Sandbox(SandboxOptions options) {
        this(options, null);
    }

    /**
     * With {@code rootOverlay} the root device is an ephemeral volume's shared read-only device: each boot
     * creates a fresh qcow2 overlay at that path for the guest's writes and deletes it when the guest ends.
     */
    public Sandbox(SandboxOptions options, Path rootOverlay) {
        this(options, rootOverlay, NetworkOptions.defaults());
    }

    /** As {@link #Sandbox(SandboxOptions, Path)}, finding the Pod's network and its tools as {@code network} says. */
    public Sandbox(SandboxOptions options, Path rootOverlay, NetworkOptions network) {
        this.options = options;
        this.networking = new GuestNetworking(network);
        this.rootOverlay = rootOverlay;
        this.kvmProbe = new KvmProbe(
                options.qemuBinary(),
                options.kvmDevice(),
                options.kvmProbeTimeout(),
                options.kvmVerdictFile() == null ? null : new KvmVerdict(options.kvmVerdictFile()));
        this.planner = new LaunchPlanner(new ProcessRunner(), this::qemuAccel, HostTsc.khz());
    }

    /**
     * Prepares and starts a boot and returns at once; the console streams to {@code console} from a
     * background thread.
     *
     * @throws InvalidBootSpecException when the spec is invalid (nothing was touched)
     * @throws SandboxException when preparing or starting failed (a missing or read-only device, a kernel
     *     that is not in the volume, a failed projection, a VMM that cannot start); nothing keeps running
     */
    public RunningGuest start(BootSpec spec, Console console) throws SandboxException {
        BootSpec resolved = spec.resolve();
        boolean auto = options.accel() == null && resolved.vmm() == Vmm.QEMU;
        Thread probe = null;
        if (auto) {
            // The probe boots a guest of its own; let it run while the boot is prepared (files, kernel) instead of
            // after. The planner's decide() then waits for it, or finds its answer.
            probe = new Thread(kvmProbe::decide, "kvm-probe");
            probe.setDaemon(true);
            probe.start();
        }
        VmmProcess first;
        try {
            first = launch(resolved, console, this::qemuAccel);
        } catch (SandboxException | RuntimeException e) {
            awaitProbe(probe); // its QEMU must not outlive a start that failed (the process may exit next)
            throw e;
        }
        if (!auto || first.accel() != Accel.KVM) {
            return first;
        }
        return new KvmFallbackGuest(first, () -> launch(resolved, console, () -> Accel.TCG), kvmProbe::reject);
    }

    private static void awaitProbe(Thread probe) {
        if (probe == null) {
            return;
        }
        try {
            probe.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One VMM start of a resolved spec, under the accelerator {@code accel} decides, with its boot watchdog. */
    private VmmProcess launch(BootSpec resolved, Console console, Supplier<Accel> accel) throws SandboxException {
        long begin = System.nanoTime();
        Path workDir;
        try {
            workDir = WorkDirectory.create(options.workRoot(), "unibloc-sandbox-");
        } catch (IOException e) {
            throw new SandboxException(
                    "cannot create a work directory in " + options.workRoot() + ": " + e.getMessage(), e);
        }
        NetworkAttachment network = null;
        try {
            network = attachNetwork(resolved, workDir);
            GuestNetwork guestNetwork = network == null ? null : network.guest();
            LaunchPlan plan = planner.plan(resolved, workDir, accel, rootOverlay, guestNetwork);
            CommandLine command = VmmCommandBuilder.forVmm(plan.vmm()).build(plan, binary(plan));
            LOG.debug("command: {}", command.render());
            BootWatchdog watchdog = watchdog(plan, resolved.bootTimeoutSeconds());
            VmmProcess guest = VmmProcess.start(
                    command,
                    plan.vmm(),
                    plan.accel(),
                    watchdog,
                    VmmControl.forPlan(plan),
                    console,
                    cleanUp(workDir, network));
            LOG.info(
                    "started vmm={} accel={} machine={} pid={} boot deadline={} s after {} ms of preparation",
                    plan.vmm().id(),
                    watchdog.accel(),
                    watchdog.machine(),
                    guest.pid(),
                    watchdog.enabled() ? watchdog.deadline().toSeconds() : "none",
                    (System.nanoTime() - begin) / 1_000_000);
            return guest;
        } catch (IOException | IllegalArgumentException | SandboxException e) {
            cleanUp(workDir, network).run();
            if (e instanceof SandboxException sandboxException) {
                throw sandboxException;
            }
            if (e instanceof InvalidBootSpecException invalid) {
                throw invalid;
            }
            throw new SandboxException("cannot boot from " + resolved.rootDevice() + ": " + e.getMessage(), e);
        }
    }

    /** The host end of the guest's NIC, or {@code null} for a guest without network. */
    private NetworkAttachment attachNetwork(BootSpec resolved, Path workDir) throws SandboxNetworkException {
        if (resolved.network().effectiveMode() == NetworkMode.NONE) {
            return null;
        }
        try {
            return networking.attach(resolved, workDir);
        } catch (NetworkSetupException e) {
            throw new SandboxNetworkException(e);
        }
    }

    /** What runs when the guest has ended: the network's teardown first (it may use the work directory). */
    private Runnable cleanUp(Path workDir, NetworkAttachment network) {
        return () -> {
            if (network != null) {
                network.close();
            }
            cleanUp(workDir);
        };
    }

    /** The watchdog for a planned boot: the spec's deadline, else the node's, else the accelerator's default. */
    private BootWatchdog watchdog(LaunchPlan plan, Integer specSeconds) {
        Accel accel = plan.vmm() == Vmm.QEMU ? plan.accel() : Accel.KVM;
        String machine =
                plan.vmm() == Vmm.QEMU ? plan.machine().id() : plan.vmm().id();
        return new BootWatchdog(
                options.bootTimeoutFor(accel, specSeconds), accel.name().toLowerCase(Locale.ROOT), machine);
    }

    /** {@link #start} then {@link RunningGuest#awaitExit()}. */
    public RunResult run(BootSpec spec, Console console) throws SandboxException, InterruptedException {
        return start(spec, console).awaitExit();
    }

    /**
     * The command line a boot of {@code spec} would use, without touching devices or probing KVM (the
     * accelerator shown is the forced one, else TCG). For {@code --print-command} and for checking specs.
     *
     * @throws InvalidBootSpecException when the spec is invalid
     */
    public CommandLine preview(BootSpec spec) throws SandboxNetworkException {
        BootSpec resolved = spec.resolve();
        Path workDir = options.workRoot().resolve("unibloc-sandbox-preview");
        GuestNetwork network = null;
        if (resolved.network().effectiveMode() != NetworkMode.NONE) {
            try {
                network = networking.preview(resolved, workDir);
            } catch (NetworkSetupException e) {
                throw new SandboxNetworkException(e);
            }
        }
        LaunchPlan plan = planner.preview(
                resolved, workDir, options.accel() == null ? Accel.TCG : options.accel(), rootOverlay, network);
        return VmmCommandBuilder.forVmm(plan.vmm()).build(plan, binary(plan));
    }

    /** What QEMU guests run under: the forced accelerator, or the KVM probe's (cached) decision. */
    public Accel qemuAccel() {
        return options.accel() != null ? options.accel() : kvmProbe.decide().accel();
    }

    public SandboxOptions options() {
        return options;
    }

    private String binary(LaunchPlan plan) {
        return switch (plan.vmm()) {
            case QEMU -> options.qemuBinary();
            case FIRECRACKER -> options.firecrackerBinary();
            case CLOUD_HYPERVISOR -> options.cloudHypervisorBinary();
        };
    }

    /** The work directory and, for an ephemeral root, the overlay: the guest's writes end with it. */
    private void cleanUp(Path workDir) {
        deleteRecursively(workDir);
        if (rootOverlay != null) {
            RootOverlay.delete(rootOverlay);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    LOG.warn("cannot remove {}: {}", path, e.getMessage());
                }
            });
        } catch (IOException e) {
            LOG.warn("cannot clean up work directory {}: {}", dir, e.getMessage());
        }
    }
}
