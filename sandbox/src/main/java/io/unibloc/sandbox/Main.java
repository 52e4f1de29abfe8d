package io.unibloc.sandbox;

import io.unibloc.sandbox.accel.Accel;
import io.unibloc.sandbox.net.NetworkOptions;
import io.unibloc.sandbox.net.NetworkSetupException;
import io.unibloc.sandbox.runtime.Console;
import io.unibloc.sandbox.runtime.GuestExit;
import io.unibloc.sandbox.runtime.RunResult;
import io.unibloc.sandbox.runtime.RunningGuest;
import io.unibloc.sandbox.spec.BootSpec;
import io.unibloc.sandbox.spec.BootSpecReader;
import io.unibloc.sandbox.spec.InvalidBootSpecException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The sandbox container's entry point. Reads the boot spec from {@code --spec FILE} or
 * {@code UNIBLOC_BOOT_SPEC}, boots the guest, streams its console to stdout and exits with the guest's
 * status (see {@link GuestExit}). The first SIGTERM or SIGINT presses the guest's power button and kills it
 * after the grace period; a second SIGINT kills it at once, further SIGTERMs change nothing. A guest that then powers
 * off ends the sandbox with 143 (SIGTERM) or 130 (SIGINT), as a container ended by that signal, not 0: the kubelet's
 * kill after a failed liveness probe must not read as a guest that completed ({@link GuestExit.Stopped}).
 *
 * <p>The options are parsed by hand rather than with picocli: this is on every guest's start path and
 * four flags do not justify the extra class loading.
 */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    /** Where an ephemeral root's qcow2 overlay goes (the operator points it into the Pod's scratch emptyDir). */
    static final String ENV_ROOT_OVERLAY = "UNIBLOC_ROOT_OVERLAY";

    static final String USAGE = String.join(
            "\n",
            "usage: sandbox [--spec FILE] [--accel auto|kvm|tcg] [--grace SECONDS] [--boot-timeout SECONDS]",
            "               [--root-overlay FILE] [--print-command]",
            "  --spec FILE       boot spec JSON (default: the UNIBLOC_BOOT_SPEC environment variable)",
            "  --accel MODE      kvm, tcg, or auto (probe KVM; default; env UNIBLOC_ACCEL)",
            "  --grace SECONDS   time a guest has to power off after SIGTERM (default 20; env "
                    + SandboxOptions.ENV_STOP_GRACE + ")",
            "  --boot-timeout S  this node's deadline for the guest's first console output, 0 for none (default:",
            "                    10 under KVM, 60 under TCG; env " + SandboxOptions.ENV_BOOT_TIMEOUT
                    + "); the spec's bootTimeoutSeconds wins",
            "  --root-overlay F  the root is an ephemeral (shared, read-only) device: boot from a fresh qcow2 overlay",
            "                    at F backed by it, deleted when the guest ends (env " + ENV_ROOT_OVERLAY + ")",
            "  --print-command   print the VMM command line and exit without booting",
            "network (spec.network): " + NetworkOptions.ENV_INTERFACE + " (the Pod's interface, default eth0), "
                    + NetworkOptions.ENV_PASST + " (passt binary), " + NetworkOptions.ENV_RESOLV_CONF,
            "  (the Pod's DNS); a network that cannot be set up ends the sandbox before boot, reason "
                    + NetworkSetupException.REASON + ",",
            "environment: " + SandboxOptions.ENV_KVM_VERDICT_FILE + " (remembered KVM verdict), "
                    + StatusFiles.ENV_READY_FILE + " (created at first console output),",
            "  " + StatusFiles.ENV_TERMINATION_LOG + " (JSON outcome; default /dev/termination-log when it exists)",
            "exit status: the guest's (0 after power-off, its isa-debug-exit code otherwise), 124 when the boot",
            "watchdog ended a guest that printed nothing in time, 125 when the sandbox or VMM failed, 126 when the",
            "guest reset itself, 137 when the guest was killed after the grace period, 143 (130) when it powered off",
            "because the sandbox received SIGTERM (SIGINT)");

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    /** Everything {@link #main} does except exiting; returns the exit status. */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        Arguments arguments;
        SandboxOptions options;
        BootSpec spec;
        try {
            arguments = Arguments.parse(args);
            if (arguments.help()) {
                out.println(USAGE);
                return 0;
            }
            options = SandboxOptions.fromEnvironment(env);
            if (arguments.accel() != null) {
                options = options.withAccel(arguments.accel().equals("auto") ? null : Accel.parse(arguments.accel()));
            }
            if (arguments.graceSeconds() != null) {
                options = options.withStopGrace(SandboxOptions.parseSeconds("--grace", arguments.graceSeconds()));
            }
            if (arguments.bootTimeoutSeconds() != null) {
                options = options.withBootTimeout(
                        SandboxOptions.parseSeconds("--boot-timeout", arguments.bootTimeoutSeconds()));
            }
            BootSpecReader reader = new BootSpecReader();
            spec = arguments.specFile() != null
                    ? reader.read(Path.of(arguments.specFile()))
                    : reader.readEnvironment(env);
        } catch (IllegalArgumentException | IOException e) {
            err.println("sandbox: " + e.getMessage());
            if (!(e instanceof InvalidBootSpecException) && !(e instanceof IOException)) {
                err.println(USAGE);
            }
            return GuestExit.SANDBOX_FAILURE;
        }

        String overlay = arguments.rootOverlay() != null ? arguments.rootOverlay() : env.get(ENV_ROOT_OVERLAY);
        Sandbox sandbox = new Sandbox(
                options,
                overlay == null || overlay.isBlank() ? null : Path.of(overlay),
                NetworkOptions.fromEnvironment(env));
        StatusFiles status = StatusFiles.fromEnvironment(env);
        status.starting();
        try {
            if (arguments.printCommand()) {
                out.println(sandbox.preview(spec).render());
                return 0;
            }
            RunningGuest guest = sandbox.start(spec, Console.printingTo(out));
            AtomicReference<Signal> stopSignal = new AtomicReference<>();
            installStopHandlers(guest, options.stopGrace(), stopSignal);
            guest.firstOutput().thenAccept(evidence -> {
                LOG.info(
                        "guest running: first console output after {} ms (accel={} machine={})",
                        evidence.after().toMillis(),
                        evidence.accel(),
                        evidence.machine());
                status.running(evidence);
            });
            RunResult result = guest.awaitExit();
            Signal stoppedBy = stopSignal.get();
            if (stoppedBy != null) {
                result = result.stoppedBy(stoppedBy.getName(), stoppedBy.getNumber());
            }
            status.ended(result);
            if (!(result.exit() instanceof GuestExit.PoweredOff || result.exit() instanceof GuestExit.DebugExit)) {
                err.println("sandbox: " + result.exit().describe());
            }
            return result.exitCode();
        } catch (SandboxNetworkException e) {
            err.println("sandbox: network setup failed: " + e.getMessage());
            status.failed(NetworkSetupException.REASON, e.getMessage());
            return GuestExit.SANDBOX_FAILURE;
        } catch (InvalidBootSpecException | SandboxException e) {
            err.println("sandbox: " + e.getMessage());
            status.failed(e.getMessage());
            return GuestExit.SANDBOX_FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("sandbox: interrupted");
            return GuestExit.SANDBOX_FAILURE;
        }
    }

    /**
     * @param stopSignal set to the signal that pressed the power button, when the guest still ran (one that powered
     *     off by itself just before keeps its own status)
     */
    private static void installStopHandlers(RunningGuest guest, Duration grace, AtomicReference<Signal> stopSignal) {
        AtomicInteger signals = new AtomicInteger();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> {
                if (signals.incrementAndGet() == 1) {
                    if (guest.isAlive()) {
                        stopSignal.set(signal);
                    }
                    LOG.info("SIG{}: asking the guest to power off (grace {} s)", signal.getName(), grace.toSeconds());
                    guest.stop(grace);
                } else if (signal.getName().equals("INT")) {
                    // A second Ctrl-C is a person who does not want to wait.
                    LOG.warn("SIGINT again: killing the guest now");
                    guest.kill();
                } else {
                    // Repeated SIGTERMs are common (process-group kills, wrappers); the grace period already runs.
                    LOG.info("SIG{} again: the guest is already being stopped", signal.getName());
                }
            });
        }
    }

    /** The parsed command line. */
    record Arguments(
            String specFile,
            String accel,
            String graceSeconds,
            String bootTimeoutSeconds,
            boolean printCommand,
            boolean help,
            String rootOverlay) {

        /** @throws IllegalArgumentException naming the offending argument */
        static Arguments parse(String[] args) {
            String spec = null;
            String accel = null;
            String grace = null;
            String bootTimeout = null;
            boolean print = false;
            boolean help = false;
            String overlay = null;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--spec" -> spec = value(args, ++i, arg);
                    case "--accel" -> {
                        accel = value(args, ++i, arg);
                        if (!accel.equals("auto") && !accel.equals("kvm") && !accel.equals("tcg")) {
                            throw new IllegalArgumentException(
                                    "--accel must be auto, kvm or tcg, got \"" + accel + "\"");
                        }
                    }
                    case "--grace" -> grace = value(args, ++i, arg);
                    case "--boot-timeout" -> bootTimeout = value(args, ++i, arg);
                    case "--print-command" -> print = true;
                    case "--root-overlay" -> overlay = value(args, ++i, arg);
                    case "-h", "--help" -> help = true;
                    default -> throw new IllegalArgumentException("unknown argument \"" + arg + "\"");
                }
            }
            return new Arguments(spec, accel, grace, bootTimeout, print, help, overlay);
        }

        private static String value(String[] args, int index, String option) {
            if (index >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[index];
        }
    }
}
