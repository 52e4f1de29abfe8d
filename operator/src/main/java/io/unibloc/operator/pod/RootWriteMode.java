package io.unibloc.operator.pod;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.unibloc.api.v1alpha1.UnikernelPodSpec;
import io.unibloc.api.wire.ClaimAnnotations;
import io.unibloc.sandbox.spec.BootSpec;
import io.unibloc.types.Vmm;
import io.unibloc.types.WriteMode;
import java.util.Map;
import java.util.Optional;

/**
 * The write mode of a guest's root volume (issue 19: density by default). {@code spec.rootfs.writeMode} wins when
 * set. Unset means {@code ephemeral} — every guest of an image shares the node's page cache, and its writes go
 * like a container's; {@code files} go into the guest's own overlay — except where the guest could not boot that
 * way: a writable root under firecracker or cloud-hypervisor, which gets {@code persistent}, because only QEMU boots
 * the qcow2 overlay the guest writes to (the VMM is the spec's, else the image's {@code io.unibloc.vmm} label, else
 * the sandbox's default, QEMU). A read-only root needs no overlay, so it is ephemeral under every VMM.
 *
 * The mode is resolved when a Pod is made and recorded on it (and on its claim), never recomputed for a running
 * Pod: an operator upgrade that changes the default does not change the revision, so Pods made as persistent
 * keep their clones until the spec changes.
 */
public final class RootWriteMode {
    private RootWriteMode() {}

    /** @param boot the guest's boot spec after the image's labels ({@link BootSpecFactory}) */
    public static WriteMode resolve(UnikernelPodSpec spec, BootSpec boot) {
        if (spec.getRootfs() != null && spec.getRootfs().getWriteMode() != null) {
            return spec.getRootfs().getWriteMode();
        }
        if (boot.isReadOnly()) {
            return WriteMode.EPHEMERAL;
        }
        Vmm vmm = boot.vmm() == null ? BootSpec.DEFAULT_VMM : boot.vmm();
        return vmm == Vmm.QEMU ? WriteMode.EPHEMERAL : WriteMode.PERSISTENT;
    }

    /** Whether the guest boots through an overlay in the Pod's scratch space: an ephemeral root it may write. */
    static boolean needsOverlay(WriteMode mode, BootSpec boot) {
        return mode == WriteMode.EPHEMERAL && !boot.isReadOnly();
    }

    /**
     * The mode {@code pod} was made with: its {@code unibloc.io/write-mode} annotation; a Pod from an operator that
     * did not write one is ephemeral when it boots through an overlay, else persistent (that operator's default).
     */
    static WriteMode of(Pod pod) {
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        String recorded = annotations == null ? null : annotations.get(ClaimAnnotations.WRITE_MODE);
        for (WriteMode mode : WriteMode.values()) {
            if (mode.id().equals(recorded)) {
                return mode;
            }
        }
        boolean overlay = Optional.ofNullable(pod.getSpec()).map(s -> s.getContainers()).stream()
                .flatMap(cs -> cs.stream())
                .map(Container::getEnv)
                .filter(env -> env != null)
                .flatMap(env -> env.stream())
                .anyMatch(e -> PodFactory.ROOT_OVERLAY_ENV.equals(e.getName()));
        return overlay ? WriteMode.EPHEMERAL : WriteMode.PERSISTENT;
    }
}
