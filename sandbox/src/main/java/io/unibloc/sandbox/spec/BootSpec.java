package io.unibloc.sandbox.spec;

import io.unibloc.types.Machine;
import io.unibloc.types.NetworkMode;
import io.unibloc.types.Vmm;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to boot and how: the JSON document the operator puts in {@code UNIBLOC_BOOT_SPEC}. Field names are
 * part of the project-wide contract and must not change.
 *
 * <p>Every field may be {@code null}, meaning unset. {@link #resolve()} fills the defaults ({@code qemu},
 * {@code microvm}, {@code linux}, 1 vCPU, 256 MiB, {@code console=ttyS0} for Linux, root device
 * {@code /dev/unibloc-root}, writable) and validates. Two defaults depend on the guest kind: non-Linux
 * guests get an empty command line, and under QEMU every non-Linux guest gets the {@code pc} machine (see
 * {@link #defaultMachine}). {@code bootTimeoutSeconds} stays unset when unset: the sandbox then takes the
 * node's value or the accelerator's default. List and map fields are never {@code null}: unset is
 * empty, and they keep their order (the order of env entries is the order on the kernel command line).
 *
 * @param vmm which VMM runs the guest
 * @param machine QEMU machine type
 * @param guest how the kernel is loaded and reads its command line
 * @param kernel path of the kernel inside the root volume's filesystem, read out without mounting
 * @param kernelHostPath path of the kernel on the host (required for raw volumes); excludes {@code kernel}
 * @param initrd path of an initrd inside the root volume's filesystem
 * @param initrdHostPath path of an initrd on the host; excludes {@code initrd}
 * @param cmdline the kernel command line the guest kind's own parts are appended to
 * @param args the application's arguments
 * @param env the application's environment
 * @param vcpus virtual CPUs
 * @param memoryMiB guest memory in MiB
 * @param rootDevice the block device holding the root filesystem
 * @param readOnly whether the guest gets the root device read-only
 * @param extraDevices further block devices, attached in order after the root device
 * @param files files projected into the root filesystem before boot
 * @param bootTimeoutSeconds how long the guest may stay silent on its console after the VMM started before the
 *     boot watchdog ends it; {@code 0} disables the watchdog
 * @param network how the guest joins the Pod's network; unset means no NIC
 */
public record BootSpec(
        Vmm vmm,
        Machine machine,
        GuestKind guest,
        String kernel,
        String kernelHostPath,
        String initrd,
        String initrdHostPath,
        String cmdline,
        List<String> args,
        Map<String, String> env,
        Integer vcpus,
        Integer memoryMiB,
        String rootDevice,
        Boolean readOnly,
        List<String> extraDevices,
        List<FileProjection> files,
        Integer bootTimeoutSeconds,
        NetworkSpec network) {

    public static final Vmm DEFAULT_VMM = Vmm.QEMU;
    public static final Machine DEFAULT_MACHINE = Machine.MICROVM;
    public static final GuestKind DEFAULT_GUEST = GuestKind.LINUX;
    public static final int DEFAULT_VCPUS = 1;
    public static final int DEFAULT_MEMORY_MIB = 256;
    public static final String DEFAULT_LINUX_CMDLINE = "console=ttyS0";
    public static final String DEFAULT_ROOT_DEVICE = "/dev/unibloc-root";

    public BootSpec {
        args = immutableList(args, "args");
        extraDevices = immutableList(extraDevices, "extraDevices");
        files = immutableList(files, "files");
        env = immutableMap(env);
    }

    /** A spec with every field unset. */
    public static BootSpec empty() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Fills unset fields with their defaults (see the class comment for the two that depend on the guest
     * kind). Idempotent; does not validate.
     */
    public BootSpec withDefaults() {
        GuestKind effectiveGuest = guest == null ? DEFAULT_GUEST : guest;
        Vmm effectiveVmm = vmm == null ? DEFAULT_VMM : vmm;
        return toBuilder()
                .vmm(effectiveVmm)
                .machine(machine != null ? machine : defaultMachine(effectiveGuest, effectiveVmm))
                .guest(effectiveGuest)
                .cmdline(cmdline != null ? cmdline : effectiveGuest == GuestKind.LINUX ? DEFAULT_LINUX_CMDLINE : "")
                .vcpus(vcpus == null ? DEFAULT_VCPUS : vcpus)
                .memoryMiB(memoryMiB == null ? DEFAULT_MEMORY_MIB : memoryMiB)
                .rootDevice(rootDevice == null ? DEFAULT_ROOT_DEVICE : rootDevice)
                .readOnly(readOnly != null && readOnly)
                .network(network == null ? NetworkSpec.none() : network)
                .build();
    }

    /**
     * The VMM of that wire name ({@code qemu}, {@code firecracker}, {@code cloud-hypervisor}); the type is shared
     * with the API, the error is the boot spec's.
     *
     * @throws InvalidBootSpecException naming the value and the accepted names
     */
    public static Vmm vmm(String wireName) {
        return WireName.parse(Vmm.values(), Vmm::id, "vmm", wireName);
    }

    /**
     * The network mode of that wire name ({@code auto}, {@code tap}, {@code passt}, {@code none}); the type is
     * shared with the API, the error is the boot spec's.
     *
     * @throws InvalidBootSpecException naming the value and the accepted names
     */
    public static NetworkMode networkMode(String wireName) {
        return WireName.parse(NetworkMode.values(), NetworkMode::id, "network mode", wireName);
    }

    /**
     * The machine of that wire name ({@code microvm}, {@code pc}, {@code q35}); the type is shared with the API, the
     * error is the boot spec's.
     *
     * @throws InvalidBootSpecException naming the value and the accepted names
     */
    public static Machine machine(String wireName) {
        return WireName.parse(Machine.values(), Machine::id, "machine", wireName);
    }

    /**
     * The machine a guest kind boots on when neither the spec nor the image names one. Linux keeps {@code
     * microvm} (fastest; the sandbox passes it {@code pci=off}). Every other kind gets {@code pc} under QEMU:
     * Unikraft's qemu-x86_64 kernels and other Multiboot kernels are built and tested on QEMU's default x86
     * machine, read the firmware's memory map and find their virtio devices on PCI; on {@code microvm} Unikraft
     * 0.16 stops with an assertion in its memory-region code. Solo5's virtio target needs PCI too. {@code pc}
     * rather than {@code q35}: it is QEMU's default that those projects document, and it boots as fast. The
     * other VMMs have one machine model each, named {@code microvm} here.
     */
    public static Machine defaultMachine(GuestKind guest, Vmm vmm) {
        if (vmm != Vmm.QEMU || guest == GuestKind.LINUX) {
            return DEFAULT_MACHINE;
        }
        return Machine.PC;
    }

    /**
     * Fills defaults and validates the result. The returned spec has no {@code null} field other than the
     * optional paths ({@code kernel}/{@code kernelHostPath}, one of which is set, and the initrd pair).
     *
     * @throws InvalidBootSpecException listing every problem found
     */
    public BootSpec resolve() {
        BootSpec resolved = withDefaults();
        List<String> problems = BootSpecValidator.problems(resolved);
        if (!problems.isEmpty()) {
            throw new InvalidBootSpecException(problems);
        }
        return resolved;
    }

    /** {@code true} when the guest gets the root device read-only; unset counts as writable. */
    public boolean isReadOnly() {
        return readOnly != null && readOnly;
    }

    private static <T> List<T> immutableList(List<T> list, String field) {
        if (list == null) {
            return List.of();
        }
        for (T element : list) {
            if (element == null) {
                throw new InvalidBootSpecException(field + " must not contain null entries");
            }
        }
        return Collections.unmodifiableList(new ArrayList<>(list));
    }

    private static Map<String, String> immutableMap(Map<String, String> map) {
        if (map == null) {
            return Map.of();
        }
        map.forEach((key, value) -> {
            if (key == null || value == null) {
                throw new InvalidBootSpecException("env must not contain null keys or values (key " + key + ")");
            }
        });
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    /** Builds specs field by field; unset fields stay {@code null} until {@link BootSpec#resolve()}. */
    public static final class Builder {
        private Vmm vmm;
        private Machine machine;
        private GuestKind guest;
        private String kernel;
        private String kernelHostPath;
        private String initrd;
        private String initrdHostPath;
        private String cmdline;
        private List<String> args = new ArrayList<>();
        private Map<String, String> env = new LinkedHashMap<>();
        private Integer vcpus;
        private Integer memoryMiB;
        private String rootDevice;
        private Boolean readOnly;
        private List<String> extraDevices = new ArrayList<>();
        private List<FileProjection> files = new ArrayList<>();
        private Integer bootTimeoutSeconds;
        private NetworkSpec network;

        private Builder() {}

        private Builder(BootSpec spec) {
            vmm = spec.vmm;
            machine = spec.machine;
            guest = spec.guest;
            kernel = spec.kernel;
            kernelHostPath = spec.kernelHostPath;
            initrd = spec.initrd;
            initrdHostPath = spec.initrdHostPath;
            cmdline = spec.cmdline;
            args = new ArrayList<>(spec.args);
            env = new LinkedHashMap<>(spec.env);
            vcpus = spec.vcpus;
            memoryMiB = spec.memoryMiB;
            rootDevice = spec.rootDevice;
            readOnly = spec.readOnly;
            extraDevices = new ArrayList<>(spec.extraDevices);
            files = new ArrayList<>(spec.files);
            bootTimeoutSeconds = spec.bootTimeoutSeconds;
            network = spec.network;
        }

        public Builder vmm(Vmm value) {
            vmm = value;
            return this;
        }

        public Builder machine(Machine value) {
            machine = value;
            return this;
        }

        public Builder guest(GuestKind value) {
            guest = value;
            return this;
        }

        public Builder kernel(String value) {
            kernel = value;
            return this;
        }

        public Builder kernelHostPath(String value) {
            kernelHostPath = value;
            return this;
        }

        public Builder initrd(String value) {
            initrd = value;
            return this;
        }

        public Builder initrdHostPath(String value) {
            initrdHostPath = value;
            return this;
        }

        public Builder cmdline(String value) {
            cmdline = value;
            return this;
        }

        public Builder args(List<String> value) {
            args = new ArrayList<>(Objects.requireNonNull(value, "args"));
            return this;
        }

        public Builder env(Map<String, String> value) {
            env = new LinkedHashMap<>(Objects.requireNonNull(value, "env"));
            return this;
        }

        public Builder putEnv(String key, String value) {
            env.put(key, value);
            return this;
        }

        public Builder vcpus(Integer value) {
            vcpus = value;
            return this;
        }

        public Builder memoryMiB(Integer value) {
            memoryMiB = value;
            return this;
        }

        public Builder rootDevice(String value) {
            rootDevice = value;
            return this;
        }

        public Builder readOnly(Boolean value) {
            readOnly = value;
            return this;
        }

        public Builder extraDevices(List<String> value) {
            extraDevices = new ArrayList<>(Objects.requireNonNull(value, "extraDevices"));
            return this;
        }

        public Builder files(List<FileProjection> value) {
            files = new ArrayList<>(Objects.requireNonNull(value, "files"));
            return this;
        }

        public Builder bootTimeoutSeconds(Integer value) {
            bootTimeoutSeconds = value;
            return this;
        }

        public Builder network(NetworkSpec value) {
            network = value;
            return this;
        }

        public Builder addFile(FileProjection value) {
            files.add(value);
            return this;
        }

        public BootSpec build() {
            return new BootSpec(
                    vmm,
                    machine,
                    guest,
                    kernel,
                    kernelHostPath,
                    initrd,
                    initrdHostPath,
                    cmdline,
                    args,
                    env,
                    vcpus,
                    memoryMiB,
                    rootDevice,
                    readOnly,
                    extraDevices,
                    files,
                    bootTimeoutSeconds,
                    network);
        }
    }
}
