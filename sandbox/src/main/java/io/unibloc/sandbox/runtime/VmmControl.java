package io.unibloc.sandbox.runtime;

import io.unibloc.sandbox.launch.LaunchPlan;
import java.io.Closeable;
import java.io.IOException;

/** The VMM's control socket: pressing the guest's power button, and what the VMM said about the shutdown. */
public interface VmmControl extends Closeable {

    /**
     * Asks the guest to shut down as if its power button were pressed (ACPI on QEMU and Cloud Hypervisor,
     * Ctrl-Alt-Del on Firecracker). Returns once the VMM accepted the request; the guest decides the rest.
     *
     * @throws IOException when the control socket cannot be reached or refuses
     */
    void pressPowerButton() throws IOException;

    /** QMP's reason for the last shutdown ({@code guest-shutdown}, {@code guest-reset}, ...) or {@code null}. */
    String shutdownReason();

    /** Called once the VMM has started; implementations may connect early to watch events. */
    default void vmmStarted(ProcessHandle vmm) {}

    @Override
    default void close() {}

    /** The control for the plan's VMM, talking to the plan's control socket. */
    static VmmControl forPlan(LaunchPlan plan) {
        return switch (plan.vmm()) {
            case QEMU -> new QmpControl(plan.controlSocket());
            case FIRECRACKER ->
                new HttpApiControl(plan.controlSocket(), "/actions", "{\"action_type\":\"SendCtrlAltDel\"}");
            case CLOUD_HYPERVISOR -> new HttpApiControl(plan.controlSocket(), "/api/v1/vm.power-button", "");
        };
    }
}
