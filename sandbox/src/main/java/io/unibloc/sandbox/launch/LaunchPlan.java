package io.unibloc.sandbox.launch;

import io.unibloc.sandbox.accel.Accel;
import io.unibloc.sandbox.spec.GuestKind;
import io.unibloc.types.Machine;
import io.unibloc.types.Vmm;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything a VMM command line is made from, with every file already on the host.
 *
 * @param vmm which VMM
 * @param machine QEMU machine type (ignored by the other VMMs)
 * @param guest guest kind
 * @param accel KVM or TCG (QEMU only; the other VMMs always use KVM)
 * @param kernel host path of the kernel
 * @param initrd host path of the initrd, or {@code null}
 * @param kernelCmdline the complete kernel command line, possibly empty
 * @param disks root first, then the extra devices
 * @param vcpus virtual CPUs
 * @param memoryMiB guest memory
 * @param workDir per-boot scratch directory (config files, control socket)
 * @param controlSocket UNIX socket for QMP or the VMM's HTTP API
 * @param nic the guest's network card, or {@code null} for none
 */
public record LaunchPlan(
        Vmm vmm,
        Machine machine,
        GuestKind guest,
        Accel accel,
        Path kernel,
        Path initrd,
        String kernelCmdline,
        List<Disk> disks,
        int vcpus,
        int memoryMiB,
        Path workDir,
        Path controlSocket,
        GuestNic nic) {

    public LaunchPlan {
        disks = List.copyOf(disks);
    }

    /** A plan without a NIC. */
    public LaunchPlan(
            Vmm vmm,
            Machine machine,
            GuestKind guest,
            Accel accel,
            Path kernel,
            Path initrd,
            String kernelCmdline,
            List<Disk> disks,
            int vcpus,
            int memoryMiB,
            Path workDir,
            Path controlSocket) {
        this(
                vmm,
                machine,
                guest,
                accel,
                kernel,
                initrd,
                kernelCmdline,
                disks,
                vcpus,
                memoryMiB,
                workDir,
                controlSocket,
                null);
    }
}
