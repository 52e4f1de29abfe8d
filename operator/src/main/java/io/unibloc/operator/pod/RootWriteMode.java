package io.unibloc.operator.pod;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
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
 * QEMU), or under urunc (a RuntimeClass with handler {@code urunc}; one that cannot be read stops the Pod until it can,
 * {@link #underUrunc}), which gets {@code persistent}, because only QEMU
 * run by the unibloc sandbox boots the qcow2 overlay the guest writes to. A read-only root needs no overlay, so it is
 * ephemeral everywhere.
 *
 * The mode is resolved when a Pod is made and recorded on it (and on its claim), never recomputed for a running
 * Pod. Unset, a UnikernelPod keeps the mode it has ({@code status.writeMode}, else its Pod's record) through every
 * replacement — a Pod that ended against the restart policy, was evicted or lost with its node, or a spec change
 * that leaves {@code writeMode} unset — so an operator upgrade that changed the default never turns a persistent
 * guest ephemeral behind its owner's back (its root writes would be gone). Only a new UnikernelPod, or a spec that
 * sets {@code writeMode}, gets today's default.
 */
public final class RootWriteMode {
    private RootWriteMode() {}

    /** The handler of urunc's RuntimeClasses (containerd's runtime entry for urunc's shim). */
    static final String URUNC_HANDLER = "urunc";
    /**
     * @param boot the guest's boot spec after the image's labels ({@link BootSpecFactory})
     * @param urunc whether the Pod runs under urunc ({@link #underUrunc})
     * @param kept the mode the UnikernelPod's earlier Pod had, or {@code null} for its first Pod: a persistent one
     *     stays persistent while the spec leaves the mode unset; an ephemeral one follows the rule, which keeps it
     *     ephemeral unless the spec changed so that the guest could no longer boot an overlay
     */
    public static WriteMode resolve(UnikernelPodSpec spec, BootSpec boot, boolean urunc, WriteMode kept) {
        WriteMode explicit = explicit(spec);
        if (explicit == null && kept == WriteMode.PERSISTENT) {
            return WriteMode.PERSISTENT;
        }
        return RootWriteModes.resolve(explicit, vmm(boot), boot.isReadOnly(), urunc);
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
     * Whether Pods of RuntimeClass {@code name} run under urunc: its handler. A missing class is no urunc (the API
     * server refuses the Pod anyway, saying so). An unreadable one is no guess — a custom urunc class taken for the
     * sandbox would get an ephemeral root it cannot boot — but {@link Unreadable}, for the caller to retry.
     */
    static boolean underUrunc(String name, RuntimeClasses.Lookup lookup) {
        if (lookup instanceof RuntimeClasses.Lookup.Unknown unknown) {
            throw new Unreadable(name, unknown.why());
        }
        return lookup instanceof RuntimeClasses.Lookup.Found found
                && URUNC_HANDLER.equals(found.runtimeClass().getHandler());
    }

    /** The RuntimeClass could not be read, so whether it runs urunc, and so the root's write mode, is unknown. */
    static final class Unreadable extends RuntimeException {
        Unreadable(String name, String why) {
            super(
                    why + ": whether RuntimeClass " + name + " runs " + URUNC_HANDLER
                            + " decides the root's write mode, so no Pod is made until it can be read; the"
                            + " operator needs get, list and watch on runtimeclasses.node.k8s.io (the chart's"
                            + " ClusterRole grants them)",
                    null,
                    false,
                    false);
        }
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
     * did not write one is ephemeral when its claim says so (that operator annotated only ephemeral claims, a
     * read-only ephemeral root among them, which boots without an overlay) or when it boots through an overlay, else
     * persistent (that operator's default).
     *
     * @param claim the Pod's root claim, or {@code null} when it is not (or no longer) known
     */
    static WriteMode of(Pod pod, PersistentVolumeClaim claim) {
        Optional<WriteMode> recorded = recorded(pod.getMetadata().getAnnotations())
                .or(() -> claim == null
                        ? Optional.empty()
                        : recorded(claim.getMetadata().getAnnotations()));
        if (recorded.isPresent()) {
            return recorded.get();
        }
        boolean overlay = Optional.ofNullable(pod.getSpec()).map(s -> s.getContainers()).stream()
                .flatMap(cs -> cs.stream())
                .map(Container::getEnv)
                .filter(env -> env != null)
                .flatMap(env -> env.stream())
                .anyMatch(e -> PodFactory.ROOT_OVERLAY_ENV.equals(e.getName()));
        return overlay ? WriteMode.EPHEMERAL : WriteMode.PERSISTENT;
    }

    private static Optional<WriteMode> recorded(Map<String, String> annotations) {
        String recorded = annotations == null ? null : annotations.get(ClaimAnnotations.WRITE_MODE);
        for (WriteMode mode : WriteMode.values()) {
            if (mode.id().equals(recorded)) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }
}
