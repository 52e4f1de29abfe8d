package io.unibloc.cli.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.unibloc.blockstore.BlockStore;
import io.unibloc.blockstore.image.FetchedImage;
import io.unibloc.cli.ConsoleProgress;
import io.unibloc.cli.Sizes;
import io.unibloc.cli.StoreCommand;
import io.unibloc.cli.StoreSession;
import io.unibloc.registry.manifest.Platform;
import io.unibloc.registry.ref.ImageReference;
import io.unibloc.sandbox.Sandbox;
import io.unibloc.sandbox.SandboxOptions;
import io.unibloc.sandbox.accel.Accel;
import io.unibloc.sandbox.runtime.Console;
import io.unibloc.sandbox.runtime.GuestExit;
import io.unibloc.sandbox.runtime.RunResult;
import io.unibloc.sandbox.runtime.RunningGuest;
import io.unibloc.sandbox.spec.BootSpec;
import io.unibloc.sandbox.spec.FileProjection;
import io.unibloc.sandbox.spec.GuestKind;
import io.unibloc.sandbox.spec.ImageMetadata;
import io.unibloc.types.FsType;
import io.unibloc.types.RootWriteModes;
import io.unibloc.types.StoreException;
import io.unibloc.types.Vmm;
import io.unibloc.types.WriteMode;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Pulls and builds an image through the block store, creates and attaches a volume, boots it through the
 * sandbox with the console on stdout, and exits with the guest's status. The volume is detached afterwards
 * and kept (so a second run with {@code --name} sees the first one's writes) unless {@code --rm} is given.
 * The root is ephemeral by default (issue 19): the volume is a read-only device of the shared chain image and the
 * guest writes to a qcow2 overlay in a temporary directory, removed at exit, so its writes are discarded and every
 * guest of an image shares one page cache. {@code --write-mode persistent} gives a private clone that keeps the
 * writes ({@code --name} boots it again); without the option a named volume that exists keeps its own mode, and a
 * guest that could not boot through an overlay gets persistent ({@link #writeMode}).
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Boot an image as a guest from a copy-on-write volume; exits with the guest's status.",
            "Example: unibloc run oci:./sample:hello --rm -- --verbose"
        })
public final class RunCommand extends StoreCommand {
    /** In the store directory: this host's remembered "KVM cannot run guests" verdict (see KvmVerdict). */
    static final String KVM_VERDICT_FILE = "kvm-verdict.properties";

    @Parameters(index = "0", paramLabel = "REF", description = "Registry reference or oci:DIR[:TAG].")
    String image;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "Arguments for the guest's application (after --).")
    List<String> args = new ArrayList<>();

    @Option(names = "--name", paramLabel = "NAME", description = "Volume name (default: run-<random>).")
    String name;

    @Option(
            names = "--fs",
            paramLabel = "ext4|ext2|vfat|raw",
            defaultValue = "ext4",
            description = "Root filesystem (default: ${DEFAULT-VALUE}).")
    String fs;

    @Option(
            names = "--size",
            paramLabel = "SIZE",
            converter = Sizes.Converter.class,
            description = "Volume size, e.g. 1G (default: the image's size).")
    Long size;

    @Option(names = "--read-only", description = "Attach the volume read-only; the guest cannot write it.")
    boolean readOnly;

    @Option(
            names = "--write-mode",
            paramLabel = "ephemeral|persistent",
            description = {
                "ephemeral (default): a read-only device of the shared image (one page cache for every guest of it);"
                        + " the guest's writes go to an overlay in a temporary directory and are discarded at exit."
                        + " QEMU only.",
                "persistent: a private clone that keeps the guest's writes (boot it again with --name); costs a page"
                        + " cache and a clone per guest.",
                "Default: the named volume's own mode if it exists, else ephemeral, or persistent where the guest"
                        + " could not boot an overlay (a writable root under firecracker or cloud-hypervisor)."
            })
    String writeMode;

    @Option(names = "--rm", description = "Delete the volume after the guest exits.")
    boolean remove;

    @Option(
            names = "--vmm",
            paramLabel = "qemu|firecracker|cloud-hypervisor",
            description = "VMM (default: the image's io.unibloc.vmm label, else qemu).")
    String vmm;

    @Option(
            names = "--machine",
            paramLabel = "microvm|pc|q35",
            description =
                    "QEMU machine (default: the image's io.unibloc.machine label, else microvm for Linux and pc for other guests).")
    String machine;

    @Option(
            names = "--guest",
            paramLabel = "linux|unikraft|solo5|multiboot",
            description = "Guest kind (default: from the image's labels, else linux).")
    String guest;

    @Option(
            names = "--memory",
            paramLabel = "SIZE",
            converter = Sizes.Converter.class,
            description = "Guest memory, e.g. 256M (default: 256M).")
    Long memory;

    @Option(names = "--vcpus", paramLabel = "N", description = "Guest vCPUs (default: 1).")
    Integer vcpus;

    @Option(
            names = "--cmdline",
            paramLabel = "TEXT",
            description = "Kernel command line (default: from the image's labels).")
    String cmdline;

    @Option(
            names = {"-e", "--env"},
            paramLabel = "K=V",
            description = "Environment for the guest (repeatable).")
    Map<String, String> env = Map.of();

    @Option(
            names = "--file",
            paramLabel = "HOST:GUEST",
            description = "Copy a host file into the root filesystem before boot (repeatable).")
    List<String> files = new ArrayList<>();

    @Option(
            names = "--accel",
            paramLabel = "auto|kvm|tcg",
            defaultValue = "auto",
            description = "Accelerator (default: probe KVM, fall back to TCG).")
    String accel;

    @Option(
            names = "--boot-timeout",
            paramLabel = "SECONDS",
            description =
                    "End the guest when it prints nothing for this long after start; 0 for never (default: 10 under KVM, 60 under TCG, or UNIBLOC_BOOT_TIMEOUT_SECONDS).")
    Integer bootTimeout;

    @Option(
            names = "--net",
            paramLabel = "none|user|tap",
            description = {
                "Guest network (default: user with -p, else none). user: passt; the guest takes this host's address"
                        + " and -p ports reach it on 127.0.0.1.",
                "tap: the guest takes over eth0 of the current network namespace (ip netns exec NAME unibloc run ...)."
            })
    String net;

    @Option(
            names = {"-p", "--publish"},
            paramLabel = "HOSTPORT:GUESTPORT[/udp]",
            description = "Forward 127.0.0.1:HOSTPORT to the guest's GUESTPORT (repeatable; implies --net user).")
    List<String> publish = new ArrayList<>();

    @Option(names = "--report", paramLabel = "FILE", description = "Also write the timings as JSON to FILE.")
    File report;

    @Override
    protected int call(StoreSession s) throws Exception {
        BlockStore store = s.engine();
        ImageReference reference = ImageReference.parse(image);
        WriteMode explicitMode = writeMode == null ? null : WriteMode.parse(writeMode);
        RunNetwork network = RunNetwork.parse(net, publish);
        BootSpec.Builder boot = bootSpec().network(network.spec());
        SandboxOptions options = sandboxOptions(s);
        String volumeId =
                name != null ? name : "run-" + UUID.randomUUID().toString().substring(0, 8);
        // Fail before pulling anything when the named volume is obviously busy.
        refuseIfAttached(store, volumeId);

        ConsoleProgress progress = ConsoleProgress.forStdout();
        long t0 = System.nanoTime();
        BlockStore.PreparedImage prepared;
        try {
            prepared = store.prepare(reference, FsType.parse(fs), s.credentials(), progress);
        } finally {
            progress.finish();
        }
        long t1 = System.nanoTime();
        Map<String, String> labels = s.fetcher()
                .cached(prepared.pinned(), Platform.DEFAULT)
                .map(FetchedImage::config)
                .map(c -> c.labels())
                .orElse(Map.of());
        WriteMode mode =
                writeMode(explicitMode, store.findVolume(volumeId), ImageMetadata.applyTo(labels, boot.build()));
        boolean ephemeral = mode == WriteMode.EPHEMERAL;
        BlockStore.VolumeSpec volumeSpec = new BlockStore.VolumeSpec(
                volumeId, prepared.pinned(), prepared.fsType(), size == null ? 0 : size, 0, readOnly, mode);
        store.createVolume(volumeSpec, s.credentials(), BlockStore.Progress.NONE);
        // The store refuses to attach a writable volume that is attached already (check and attach are one step
        // under its lock). A read-only or ephemeral device may be shared, so checked again here: our cleanup would
        // detach (or with --rm delete) the volume under another guest.
        refuseIfAttached(store, volumeId);
        Path overlayDir = ephemeral ? Files.createTempDirectory("unibloc-run-") : null;
        VolumeRelease release = new VolumeRelease(() -> cleanUp(store, volumeId, overlayDir));
        String device;
        try {
            device = store.attach(volumeId, BlockStore.AttachOptions.DEFAULT).device();
        } catch (RuntimeException e) {
            release.run();
            throw e;
        }
        long t2 = System.nanoTime();

        RunResult result;
        try {
            BootSpec spec =
                    ImageMetadata.applyTo(labels, boot.rootDevice(device).build());
            Path overlay = overlayDir == null ? null : overlayDir.resolve("root.qcow2");
            RunningGuest running =
                    new Sandbox(options, overlay, network.options(System.getenv())).start(spec, console());
            // On Ctrl-C the JVM ends once the hooks return, without waiting for this thread's finally block:
            // the hook itself waits for the guest and releases the volume.
            Thread stopOnSignal =
                    new Thread(() -> stopAndRelease(running, options.stopGrace(), release), "unibloc-run-stop");
            Runtime.getRuntime().addShutdownHook(stopOnSignal);
            try {
                result = running.awaitExit();
            } finally {
                removeHook(stopOnSignal);
            }
        } finally {
            release.run();
        }

        RunTimings timings = RunTimings.of(
                volumeId,
                mode.id(),
                prepared.cached(),
                millis(t0, t1),
                millis(t1, t2),
                result.firstConsoleLine().map(d -> d.toMillis()).orElse(-1L),
                result.runtime().toMillis(),
                result.exitCode(),
                result.accel().name().toLowerCase(java.util.Locale.ROOT),
                store.usage());
        if (!(result.exit() instanceof GuestExit.PoweredOff || result.exit() instanceof GuestExit.DebugExit)) {
            spec.commandLine().getErr().println("unibloc: " + result.exit().describe());
            spec.commandLine().getErr().flush();
        }
        out().print(timings.summary());
        out().flush();
        if (report != null) {
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(report, timings);
        }
        return result.exitCode();
    }

    /** The guest's console goes to this command's output (stdout when run from the shell), line by line. */
    private Console console() {
        PrintWriter writer = out();
        return line -> {
            writer.println(line);
            writer.flush();
        };
    }

    private SandboxOptions sandboxOptions(StoreSession s) {
        SandboxOptions options = SandboxOptions.fromEnvironment(System.getenv())
                .withAccel(accel.equals("auto") ? null : Accel.parse(accel));
        // A host whose KVM hangs guests is probed (and, worse, waited on) once, not on every run.
        return options.kvmVerdictFile() != null
                ? options
                : options.withKvmVerdictFile(s.dir().resolve(KVM_VERDICT_FILE));
    }

    private BootSpec.Builder bootSpec() {
        BootSpec.Builder boot = BootSpec.builder().readOnly(readOnly).args(args).env(env);
        if (vmm != null) boot.vmm(BootSpec.vmm(vmm));
        if (machine != null) boot.machine(BootSpec.machine(machine));
        if (guest != null) boot.guest(GuestKind.fromWireName(guest));
        if (memory != null) boot.memoryMiB((int) (memory >> 20));
        if (vcpus != null) boot.vcpus(vcpus);
        if (cmdline != null) boot.cmdline(cmdline);
        if (bootTimeout != null) boot.bootTimeoutSeconds(bootTimeout);
        for (String file : files) {
            int colon = file.indexOf(':');
            if (colon <= 0 || colon == file.length() - 1) {
                throw new IllegalArgumentException("--file " + file + ": expected HOST_PATH:GUEST_PATH");
            }
            boot.addFile(new FileProjection(file.substring(0, colon), file.substring(colon + 1), null));
        }
        return boot;
    }

    /**
     * The root's write mode: {@code --write-mode}; else the mode of the named volume if it exists (a volume made
     * persistent stays so); else ephemeral (with {@code --file} too: the sandbox writes files into the overlay),
     * except a writable root under another VMM than QEMU, which could not boot through an overlay and gets
     * persistent ({@link RootWriteModes}, the rule the operator's {@code RootWriteMode} applies to UnikernelPods).
     *
     * @param guest the boot spec after the image's labels
     */
    static WriteMode writeMode(WriteMode explicit, Optional<BlockStore.Volume> existing, BootSpec guest) {
        if (explicit != null) {
            return explicit;
        }
        if (existing.isPresent()) {
            return existing.get().writeMode();
        }
        Vmm vmm = guest.vmm() == null ? BootSpec.DEFAULT_VMM : guest.vmm();
        // unibloc run boots every guest in its own sandbox, never under urunc.
        return RootWriteModes.resolve(null, vmm, guest.isReadOnly(), false);
    }

    /**
     * FAILED_PRECONDITION when the volume exists and has a device: another guest (or {@code volume attach})
     * is using it, and booting a second guest on the same writable filesystem would corrupt it.
     */
    static void refuseIfAttached(BlockStore store, String volumeId) {
        store.findVolume(volumeId).flatMap(BlockStore.Volume::device).ifPresent(device -> {
            throw StoreException.precondition("volume " + volumeId + " is attached at " + device
                    + ": another guest may be using it (detach it with 'unibloc volume detach " + volumeId
                    + "')");
        });
    }

    /** The shutdown hook: power the guest off within its grace period, then detach (and delete) once. */
    private static void stopAndRelease(RunningGuest running, Duration grace, VolumeRelease release) {
        running.stop(grace);
        try {
            running.awaitExit();
        } catch (InterruptedException e) {
            // awaitExit killed the VMM; the volume is free either way
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            System.err.println("unibloc: stopping the guest failed: " + e.getMessage());
        }
        release.run();
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook is running and releases the volume
        }
    }

    /**
     * Runs the volume's cleanup exactly once, whichever of the main thread and the shutdown hook gets there
     * first. Synchronized as well as flagged, so the one that comes second waits until the cleanup finished:
     * the JVM must not halt halfway through a detach.
     */
    private static final class VolumeRelease {
        private final AtomicBoolean done = new AtomicBoolean();
        private final Runnable cleanup;

        VolumeRelease(Runnable cleanup) {
            this.cleanup = cleanup;
        }

        synchronized void run() {
            if (done.compareAndSet(false, true)) {
                cleanup.run();
            }
        }
    }

    private void cleanUp(BlockStore store, String volumeId, Path overlayDir) {
        store.detach(volumeId);
        if (remove) {
            store.deleteVolume(volumeId);
        }
        if (overlayDir == null) {
            return;
        }
        try (var files = Files.list(overlayDir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(overlayDir);
        } catch (IOException e) {
            System.err.println("unibloc: cannot remove the overlay directory " + overlayDir + ": " + e.getMessage());
        }
    }

    private static long millis(long from, long to) {
        return (to - from) / 1_000_000;
    }
}
