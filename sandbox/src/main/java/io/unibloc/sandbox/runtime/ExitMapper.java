package io.unibloc.sandbox.runtime;

import io.unibloc.types.Vmm;
import java.util.List;
import java.util.Set;

/**
 * Maps how a VMM process ended to a {@link GuestExit}. Pure.
 *
 * <p>QEMU: status 0 is a power-off (or, when QMP reported {@code guest-reset}, a reset); an odd status
 * {@code s >= 3} is {@code isa-debug-exit} code {@code s >> 1}, since QEMU exits with {@code (code << 1) | 1}.
 * Two ambiguities, because Java reports a death by signal n as status {@code 128 + n}:
 * <ul>
 *   <li>status 1 is debug-exit code 0 or a QEMU error: a VMM failure when QEMU wrote an error to stderr,
 *       otherwise code 0;
 *   <li>the odd statuses of the signals that kill QEMU uncaught (SIGQUIT 131, SIGTRAP 133, SIGBUS 135,
 *       SIGKILL 137 — the OOM killer's —, SIGSEGV 139, SIGSYS 159) are read as those deaths, so guest codes
 *       65, 66, 67, 68, 69 and 79 are not reported as such. (QEMU handles SIGTERM, SIGINT and SIGHUP by
 *       exiting 0, so those never appear.)
 * </ul>
 * Guests should therefore exit with codes 1 to 63, which always map back exactly. Firecracker and Cloud
 * Hypervisor exit 0 when the guest shuts down; anything else is a VMM failure.
 */
public final class ExitMapper {

    /** SIGQUIT, SIGTRAP, SIGBUS, SIGKILL, SIGSEGV, SIGSYS: odd numbers that kill QEMU without cleanup. */
    private static final Set<Integer> FATAL_ODD_SIGNALS = Set.of(3, 5, 7, 9, 11, 31);

    private ExitMapper() {}

    /**
     * @param status the VMM's exit status (128 + n when killed by signal n)
     * @param killReason why the sandbox killed the VMM, or {@code null} when it did not
     * @param shutdownReason QMP's reason from its last {@code SHUTDOWN} event, or {@code null}
     * @param stderr the VMM's last lines on stderr
     */
    public static GuestExit map(Vmm vmm, int status, String killReason, String shutdownReason, List<String> stderr) {
        if (killReason != null) {
            return new GuestExit.Killed(killReason);
        }
        if (vmm != Vmm.QEMU) {
            return status == 0 ? new GuestExit.PoweredOff() : new GuestExit.VmmFailed(status, lastError(stderr));
        }
        if (status == 0) {
            if ("host-signal".equals(shutdownReason)) {
                return new GuestExit.Killed("QEMU was terminated by a signal from outside the sandbox");
            }
            return "guest-reset".equals(shutdownReason) ? new GuestExit.Reset() : new GuestExit.PoweredOff();
        }
        if (status > 128 && ((status & 1) == 0 || FATAL_ODD_SIGNALS.contains(status - 128))) {
            int signal = status - 128;
            return signal == 9
                    ? new GuestExit.Killed(
                            "QEMU was killed with SIGKILL from outside the sandbox (out of " + "memory?)")
                    : new GuestExit.VmmFailed(status, "QEMU died of signal " + signal);
        }
        if (status == 1) {
            String error = lastError(stderr);
            return error.isEmpty() ? new GuestExit.DebugExit(0) : new GuestExit.VmmFailed(1, error);
        }
        if ((status & 1) == 1) {
            return new GuestExit.DebugExit(status >> 1);
        }
        return new GuestExit.VmmFailed(status, lastError(stderr));
    }

    /** The last line that reads like an error rather than a warning. */
    public static String lastError(List<String> stderr) {
        for (int i = stderr.size() - 1; i >= 0; i--) {
            String line = stderr.get(i).strip();
            if (!line.isEmpty() && !line.contains("warning:") && !line.contains("terminating on signal")) {
                return line;
            }
        }
        return "";
    }
}
