package io.unibloc.types;

import java.util.Objects;
import java.util.Optional;

/**
 * The one rule that picks a root volume's {@link WriteMode} when the user does not (issue 19: density by default),
 * shared by the operator's {@code RootWriteMode} (UnikernelPods) and {@code unibloc run}, so the two cannot drift.
 *
 * <p>Ephemeral wherever the guest can boot it: a writable ephemeral root is the shared read-only image plus a qcow2
 * overlay that takes the guest's writes, and only QEMU run by the unibloc sandbox boots that overlay. Firecracker and
 * cloud-hypervisor cannot open a qcow2 file, and urunc (RuntimeClass handler {@code urunc}) boots the root device
 * itself without the sandbox, so a writable root there is persistent. A read-only root needs no overlay: it is
 * ephemeral under every VMM and runtime.
 */
public final class RootWriteModes {
    private RootWriteModes() {}

    /**
     * @param explicit the mode the user asked for, or {@code null}
     * @param vmm the VMM the guest runs under, after the image's labels and the sandbox's default
     * @param readOnly whether the guest's root is read-only
     * @param urunc whether the guest runs under urunc instead of the unibloc sandbox
     */
    public static WriteMode resolve(WriteMode explicit, Vmm vmm, boolean readOnly, boolean urunc) {
        if (explicit != null) {
            return explicit;
        }
        return whyNoOverlay(vmm, readOnly, urunc).isEmpty() ? WriteMode.EPHEMERAL : WriteMode.PERSISTENT;
    }

    /**
     * Why this guest could not boot an ephemeral root, for a refusal of an explicit {@code ephemeral}; empty when it
     * can (read-only, or writable under QEMU in the sandbox).
     */
    public static Optional<String> whyNoOverlay(Vmm vmm, boolean readOnly, boolean urunc) {
        Objects.requireNonNull(vmm, "vmm");
        if (readOnly) {
            return Optional.empty();
        }
        if (urunc) {
            return Optional.of("urunc boots the root device itself, without the unibloc sandbox, and cannot boot the"
                    + " qcow2 overlay a writable ephemeral root needs");
        }
        if (vmm != Vmm.QEMU) {
            return Optional.of(
                    vmm.id() + " cannot boot the qcow2 overlay a writable ephemeral root needs (only qemu" + " can)");
        }
        return Optional.empty();
    }
}
