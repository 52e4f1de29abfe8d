package io.unibloc.sandbox.spec;

import io.unibloc.types.Machine;
import io.unibloc.types.Vmm;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Guest metadata carried by an image, merged into a boot spec so that images describe how they boot.
 *
 * <p>Two vocabularies are understood: unibloc's own labels ({@code io.unibloc.kernel}, {@code .initrd},
 * {@code .cmdline}, {@code .guest}, {@code .vmm}, {@code .machine}) and the annotations urunc reads
 * ({@code com.urunc.unikernel.binary}, {@code .initrd}, {@code .cmdline}, {@code .unikernelType},
 * {@code .hypervisor}), so an image packaged for urunc runs unchanged. Pass image config labels and
 * manifest annotations together in one map.
 *
 * <p><b>Precedence</b>, highest first: a field set in the spec; an {@code io.unibloc.*} label; a
 * {@code com.urunc.unikernel.*} annotation; the built-in default. A host path in the spec
 * ({@code kernelHostPath}, {@code initrdHostPath}) counts as setting the kernel or initrd. Note that urunc's
 * {@code cmdline} is the application's command line, so it fills {@code args} (split on white space),
 * while {@code io.unibloc.cmdline} is the kernel command line and fills {@code cmdline}.
 */
public final class ImageMetadata {

    public static final String KERNEL = "io.unibloc.kernel";
    public static final String INITRD = "io.unibloc.initrd";
    public static final String CMDLINE = "io.unibloc.cmdline";
    public static final String GUEST = "io.unibloc.guest";
    public static final String VMM = "io.unibloc.vmm";
    /** The QEMU machine the image's kernel boots on ({@code microvm}, {@code pc}, {@code q35}). */
    public static final String MACHINE = "io.unibloc.machine";
    /**
     * How the guest learns its network address: {@code cmdline}, {@code dhcp} or {@code none} (see {@link
     * GuestNetConfig}); overrides the guest kind's default.
     */
    public static final String NET = "io.unibloc.net";
    /** Raw volumes: path of the ready disk image inside the image; the block store uses it, not the sandbox. */
    public static final String DISK = "io.unibloc.disk";

    public static final String URUNC_BINARY = "com.urunc.unikernel.binary";
    public static final String URUNC_INITRD = "com.urunc.unikernel.initrd";
    public static final String URUNC_CMDLINE = "com.urunc.unikernel.cmdline";
    public static final String URUNC_TYPE = "com.urunc.unikernel.unikernelType";
    public static final String URUNC_HYPERVISOR = "com.urunc.unikernel.hypervisor";

    private ImageMetadata() {}

    /**
     * Returns {@code spec} with its unset fields filled from {@code labels}. Pure: neither argument changes,
     * and the same inputs always give the same spec. The result is not resolved.
     *
     * @throws InvalidBootSpecException when a label that would be used has a value the sandbox does not
     *     understand, naming the label (e.g. urunc's {@code hypervisor=hvt}, which is not a VMM it runs)
     */
    public static BootSpec applyTo(Map<String, String> labels, BootSpec spec) {
        BootSpec.Builder out = spec.toBuilder();
        if (spec.kernel() == null && spec.kernelHostPath() == null) {
            out.kernel(first(labels, KERNEL, URUNC_BINARY));
        }
        if (spec.initrd() == null && spec.initrdHostPath() == null) {
            out.initrd(first(labels, INITRD, URUNC_INITRD));
        }
        if (spec.cmdline() == null) {
            out.cmdline(value(labels, CMDLINE));
        }
        if (spec.args().isEmpty() && value(labels, URUNC_CMDLINE) != null) {
            out.args(splitWords(labels.get(URUNC_CMDLINE)));
        }
        if (spec.guest() == null) {
            out.guest(guest(labels));
        }
        if (spec.vmm() == null) {
            out.vmm(vmm(labels));
        }
        if (spec.machine() == null && value(labels, MACHINE) != null) {
            out.machine(WireName.parse(
                    Machine.values(), Machine::id, "machine in image label " + MACHINE, value(labels, MACHINE)));
        }
        String net = value(labels, NET);
        if (net != null && (spec.network() == null || spec.network().guestConfig() == null)) {
            GuestNetConfig config =
                    WireName.parse(GuestNetConfig.values(), "network config in image label " + NET, net);
            NetworkSpec network = spec.network() == null ? new NetworkSpec(null, null) : spec.network();
            out.network(network.withGuestConfig(config));
        }
        return out.build();
    }

    private static GuestKind guest(Map<String, String> labels) {
        String own = value(labels, GUEST);
        if (own != null) {
            return WireName.parse(GuestKind.values(), "guest in image label " + GUEST, own);
        }
        String type = value(labels, URUNC_TYPE);
        if (type == null) {
            return null;
        }
        String hypervisor = value(labels, URUNC_HYPERVISOR);
        switch (type) {
            case "linux":
                return GuestKind.LINUX;
            case "unikraft":
                return GuestKind.UNIKRAFT;
            case "mirage":
                // MirageOS on QEMU is a Solo5 unikernel built for the virtio target.
                return GuestKind.SOLO5;
            case "rumprun":
                // Rumprun on hvt/spt is a Solo5 binding; on QEMU it is a Multiboot kernel.
                return "hvt".equals(hypervisor) || "spt".equals(hypervisor) ? GuestKind.SOLO5 : GuestKind.MULTIBOOT;
            case "mewz":
                return GuestKind.MULTIBOOT;
            default:
                throw new InvalidBootSpecException(
                        "unknown unikernel type \"" + type + "\" in image annotation " + URUNC_TYPE
                                + "; understood: linux, unikraft, mirage, rumprun, mewz (or set guest in the spec)");
        }
    }

    private static Vmm vmm(Map<String, String> labels) {
        String own = value(labels, VMM);
        if (own != null) {
            return WireName.parse(Vmm.values(), Vmm::id, "vmm in image label " + VMM, own);
        }
        String hypervisor = value(labels, URUNC_HYPERVISOR);
        if (hypervisor == null) {
            return null;
        }
        switch (hypervisor) {
            case "qemu":
                return Vmm.QEMU;
            case "firecracker":
                return Vmm.FIRECRACKER;
            case "cloud-hypervisor":
            case "clh":
                return Vmm.CLOUD_HYPERVISOR;
            case "hvt":
            case "spt":
                throw new InvalidBootSpecException("the image is packaged for Solo5's " + hypervisor + " tender ("
                        + URUNC_HYPERVISOR + "=" + hypervisor
                        + "), which this sandbox does not run; use the RuntimeClass "
                        + "unibloc-urunc, or set vmm in the spec if the image also has a virtio build");
            default:
                throw new InvalidBootSpecException(
                        "unknown hypervisor \"" + hypervisor + "\" in image annotation " + URUNC_HYPERVISOR
                                + "; understood: qemu, firecracker, cloud-hypervisor (or set vmm in the spec)");
        }
    }

    private static String first(Map<String, String> labels, String preferred, String fallback) {
        String value = value(labels, preferred);
        return value != null ? value : value(labels, fallback);
    }

    /** A label's value, with blank treated as absent (urunc tooling writes empty annotations). */
    private static String value(Map<String, String> labels, String key) {
        String value = labels.get(key);
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static List<String> splitWords(String value) {
        return Arrays.stream(value.strip().split("\\s+"))
                .filter(word -> !word.isEmpty())
                .toList();
    }
}
