package io.unibloc.sandbox.runtime;

import java.time.Duration;

/**
 * How a guest ended, and the exit status the sandbox process reports for it.
 *
 * <p>Status conventions: a guest's own code passes through (1 to 63 always map back exactly, see {@link
 * ExitMapper}); {@value #SANDBOX_FAILURE} means the sandbox or the VMM failed (as {@code docker run} uses it);
 * {@value #GUEST_RESET} means the guest reset itself (a reboot, a kernel panic, a crash), so that restart
 * policies treat it as a failure; {@value #KILLED} (128 + SIGKILL) means the guest did not shut down within the
 * grace period and was killed; {@value #BOOT_TIMEOUT} (as {@code timeout(1)} uses it) means the boot watchdog
 * ended a guest that wrote nothing to its console within the boot deadline; {@code 128 + n} ({@value
 * #STOPPED_BY_SIGTERM} for SIGTERM, {@value #STOPPED_BY_SIGINT} for SIGINT) means the guest powered off because the
 * sandbox was told to stop by signal n ({@link Stopped}), as a container ended by that signal reports it.
 */
public sealed interface GuestExit {

    int SANDBOX_FAILURE = 125;
    int GUEST_RESET = 126;
    int KILLED = 137;
    int BOOT_TIMEOUT = 124;
    /** 128 + SIGTERM: the kubelet stopped the sandbox (liveness failure, Pod deletion, node drain). */
    int STOPPED_BY_SIGTERM = 143;
    /** 128 + SIGINT: Ctrl-C on a sandbox run in the foreground. */
    int STOPPED_BY_SIGINT = 130;

    /** The exit status for the sandbox process. */
    int exitCode();

    /** One line for logs and the CLI. */
    String describe();

    /** The guest powered off (ACPI, {@code poweroff}, Firecracker's reboot-to-exit). */
    record PoweredOff() implements GuestExit {
        @Override
        public int exitCode() {
            return 0;
        }

        @Override
        public String describe() {
            return "guest powered off";
        }
    }

    /**
     * The guest reset itself: a reboot, a Linux panic (the sandbox adds {@code panic=1}), or a crash such as a
     * triple fault; {@code -no-reboot} ends the VMM instead of restarting the guest.
     */
    record Reset() implements GuestExit {
        @Override
        public int exitCode() {
            return GUEST_RESET;
        }

        @Override
        public String describe() {
            return "guest reset itself (a reboot, a kernel panic, or a crash; too little memory for its kernel and "
                    + "initrd resets Linux early)";
        }
    }

    /** The guest wrote {@code code} to the {@code isa-debug-exit} port. */
    record DebugExit(int code) implements GuestExit {
        @Override
        public int exitCode() {
            return code;
        }

        @Override
        public String describe() {
            return "guest exited with code " + code;
        }
    }

    /**
     * The guest powered off cleanly, but only because the sandbox received {@code signal} and pressed its power
     * button. Reported as {@code 128 + number}, not 0: a kill by the kubelet (a failed liveness probe, a deleted Pod,
     * a drained node) must not read as a guest that finished its work ({@code Completed}), and a container ended by
     * that signal reports exactly this status. A guest that ignores the button is {@link Killed} instead.
     *
     * @param signal the signal's name without {@code SIG} ({@code TERM}, {@code INT})
     * @param number the signal's number (15, 2)
     */
    record Stopped(String signal, int number) implements GuestExit {
        @Override
        public int exitCode() {
            return 128 + number;
        }

        @Override
        public String describe() {
            return "guest powered off on SIG" + signal + " (the sandbox was told to stop it)";
        }
    }

    /** The VMM was killed: the guest ignored the power button for the whole grace period, or a signal. */
    record Killed(String why) implements GuestExit {
        @Override
        public int exitCode() {
            return KILLED;
        }

        @Override
        public String describe() {
            return "killed: " + why;
        }
    }

    /**
     * The boot watchdog ended a guest that wrote nothing to its console within the deadline: a hung or
     * crashed-before-printing kernel, a machine type it cannot boot on, or an accelerator that cannot run it.
     *
     * @param accel {@code kvm} or {@code tcg}
     * @param machine the QEMU machine type (or the VMM's name for the others)
     * @param deadline the boot deadline that passed
     * @param lastConsole the last console bytes, escaped (empty when there were none)
     * @param vmmSaid the VMM's last error line on stderr, or empty
     */
    record BootTimeout(String accel, String machine, Duration deadline, String lastConsole, String vmmSaid)
            implements GuestExit {
        @Override
        public int exitCode() {
            return BOOT_TIMEOUT;
        }

        @Override
        public String describe() {
            return "boot watchdog: no console output within " + deadline.toMillis() + " ms under " + accel
                    + " on machine " + machine + "; last console bytes: "
                    + (lastConsole.isEmpty() ? "none" : "\"" + lastConsole + "\"")
                    + (vmmSaid.isEmpty() ? "" : "; the VMM said: " + vmmSaid);
        }
    }

    /** The VMM itself failed (bad arguments, unusable device, crash). */
    record VmmFailed(int status, String detail) implements GuestExit {
        @Override
        public int exitCode() {
            return SANDBOX_FAILURE;
        }

        @Override
        public String describe() {
            return "VMM failed with status " + status + (detail.isEmpty() ? "" : ": " + detail);
        }
    }
}
