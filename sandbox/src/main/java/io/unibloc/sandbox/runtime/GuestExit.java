package io.unibloc.sandbox.runtime;

/**
 * How a guest ended, and the exit status the sandbox process reports for it.
 *
 * <p>Status conventions: a guest's own code passes through (1 to 63 always map back exactly, see {@link
 * ExitMapper}); {@value #SANDBOX_FAILURE} means the sandbox or the VMM failed (as {@code docker run} uses it);
 * {@value #GUEST_RESET} means the guest reset itself (a reboot, a kernel panic, a crash), so that restart
 * policies treat it as a failure; {@value #KILLED} (128 + SIGKILL) means the guest did not shut down within the
 * grace period and was killed.
 */
public sealed interface GuestExit {

  int SANDBOX_FAILURE = 125;
  int GUEST_RESET = 126;
  int KILLED = 137;

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
