package io.unibloc.sandbox.launch;

import io.unibloc.types.Vmm;

/**
 * Turns a plan into one VMM's command line. Pure: no file is read or written, so the output depends on the
 * plan alone.
 */
public interface VmmCommandBuilder {

    /**
     * @param binary the VMM executable (a name looked up on PATH, or a path)
     * @throws IllegalArgumentException when the plan cannot be expressed for this VMM (e.g. a path with a comma
     *     where the VMM's option syntax has no escape)
     */
    CommandLine build(LaunchPlan plan, String binary);

    /** The builder for {@code vmm}. */
    static VmmCommandBuilder forVmm(Vmm vmm) {
        return switch (vmm) {
            case QEMU -> new QemuCommand();
            case FIRECRACKER -> new FirecrackerCommand();
            case CLOUD_HYPERVISOR -> new CloudHypervisorCommand();
        };
    }
}
