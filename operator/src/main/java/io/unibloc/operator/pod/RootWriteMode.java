package io.unibloc.operator.pod;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.unibloc.api.v1alpha1.UnikernelPodSpec;
import io.unibloc.api.wire.ClaimAnnotations;
import io.unibloc.operator.runtimeclass.RuntimeClasses;
import io.unibloc.sandbox.spec.BootSpec;
import io.unibloc.types.RootWriteModes;
import io.unibloc.types.Vmm;
import io.unibloc.types.WriteMode;
import java.util.Map;
import java.util.Optional;

/**
 * The write mode of a guest's root volume (issue 19: density by default). {@code spec.rootfs.writeMode} wins when
 * set. Unset means {@code ephemeral} — every guest of an image shares the node's page cache, and its writes go
 * like a container's; {@code files} go into the guest's own overlay — except where the guest could not boot that
 * way ({@link RootWriteModes}, the rule {@code unibloc run} shares): a writable root under firecracker or
 * cloud-hypervisor (the VMM is the spec's, else the image's {@code io.unibloc.vmm} label, else the sandbox's default,
 * QEMU), or under urunc (a RuntimeClass with handler {@code urunc}), which gets {@code persistent}, because only QEMU
 * run by the unibloc sandbox boots the qcow2 overlay the guest writes to. A read-only root needs no overlay, so it is
 * ephemeral everywhere.
 *
 * The mode is resolved when a Pod is made and recorded on it (and on its claim), never recomputed for a running
 * Pod: an operator upgrade that changes the default does not change the revision, so Pods made as persistent
 * keep their clones until the spec changes.
 */
public final class RootWriteMode {
    private RootWriteMode() {}

    /** The handler of urunc's RuntimeClasses (containerd's runtime entry for urunc's shim). */
    static final String URUNC_HANDLER = "urunc";
    /** The chart's RuntimeClass for urunc, taken as urunc while RuntimeClasses cannot be read. */
    static final String URUNC_RUNTIME_CLASS = "unibloc-urunc";

    /**
     * @param boot the guest's boot spec after the image's labels ({@link BootSpecFactory})
     * @param urunc whether the Pod runs under urunc ({@link #underUrunc})
     */
    public static WriteMode resolve(UnikernelPodSpec spec, BootSpec boot, boolean urunc) {
        return RootWriteModes.resolve(explicit(spec), vmm(boot), boot.isReadOnly(), urunc);
    }

    /**
     * Why an explicit {@code writeMode: ephemeral} cannot be served under urunc, as a spec problem naming the
     * field and the way out; empty when the spec does not ask for a writable ephemeral root. The VMM half of the
     * rule is {@link SpecValidator}'s (from {@code spec.vmm}) and the sandbox's (from the image's label).
     */
    static Optional<String> uruncProblem(UnikernelPodSpec spec, String runtimeClassName) {
        boolean readOnly =
                spec.getRootfs() != null && Boolean.TRUE.equals(spec.getRootfs().getReadOnly());
        if (explicit(spec) != WriteMode.EPHEMERAL || readOnly) {
            return Optional.empty();
        }
        return RootWriteModes.whyNoOverlay(Vmm.QEMU, false, true)
                .map(why -> "spec.rootfs.writeMode: ephemeral cannot be served under RuntimeClass " + runtimeClassName
                        + " (handler " + URUNC_HANDLER + "): " + why
                        + "; set writeMode persistent (or leave it unset), or readOnly true");
    }

    /**
     * Whether Pods of RuntimeClass {@code name} run under urunc: its handler when the class could be read, else
     * whether it is the chart's {@value #URUNC_RUNTIME_CLASS}.
     */
    static boolean underUrunc(String name, RuntimeClasses.Lookup lookup) {
        if (lookup instanceof RuntimeClasses.Lookup.Found found) {
            return URUNC_HANDLER.equals(found.runtimeClass().getHandler());
        }
        return URUNC_RUNTIME_CLASS.equals(name);
    }

    private static WriteMode explicit(UnikernelPodSpec spec) {
        return spec.getRootfs() == null ? null : spec.getRootfs().getWriteMode();
    }

    private static Vmm vmm(BootSpec boot) {
        return boot.vmm() == null ? BootSpec.DEFAULT_VMM : boot.vmm();
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
