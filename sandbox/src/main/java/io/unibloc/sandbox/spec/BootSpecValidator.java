package io.unibloc.sandbox.spec;

import io.unibloc.types.Machine;
import io.unibloc.types.NetworkMode;
import io.unibloc.types.Vmm;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** The rules a spec with defaults filled in must follow; each broken rule is one problem naming its field. */
final class BootSpecValidator {

    /** Linux hands init at most 32 environment entries and 32 arguments (MAX_INIT_ENVS/ARGS). */
    static final int LINUX_INIT_LIMIT = 32;

    static final int MAX_VCPUS = 255;
    static final int MAX_MEMORY_MIB = 1 << 20;
    /** A day: a longer silent boot is a hang, not a slow boot. */
    static final int MAX_BOOT_TIMEOUT_SECONDS = 86_400;

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private BootSpecValidator() {}

    static List<String> problems(BootSpec spec) {
        List<String> problems = new ArrayList<>();
        checkSizes(spec, problems);
        checkKernel(spec, problems);
        checkCombination(spec, problems);
        checkCommandLine(spec, problems);
        checkDevices(spec, problems);
        checkFiles(spec, problems);
        checkNetwork(spec, problems);
        return problems;
    }

    private static void checkSizes(BootSpec spec, List<String> problems) {
        if (spec.vcpus() < 1) {
            problems.add("vcpus must be at least 1, got " + spec.vcpus());
        } else if (spec.vcpus() > MAX_VCPUS) {
            problems.add("vcpus must be at most " + MAX_VCPUS + ", got " + spec.vcpus());
        }
        int floor = spec.guest().memoryFloorMiB();
        if (spec.memoryMiB() < floor) {
            problems.add("memoryMiB must be at least " + floor + " for a "
                    + spec.guest().wireName() + " guest, got " + spec.memoryMiB());
        } else if (spec.memoryMiB() > MAX_MEMORY_MIB) {
            problems.add("memoryMiB must be at most " + MAX_MEMORY_MIB + ", got " + spec.memoryMiB());
        }
        Integer timeout = spec.bootTimeoutSeconds();
        if (timeout != null && (timeout < 0 || timeout > MAX_BOOT_TIMEOUT_SECONDS)) {
            problems.add(
                    "bootTimeoutSeconds must be 0 (no watchdog) to " + MAX_BOOT_TIMEOUT_SECONDS + ", got " + timeout);
        }
    }

    private static void checkKernel(BootSpec spec, List<String> problems) {
        if (spec.kernel() == null && spec.kernelHostPath() == null) {
            problems.add("no kernel: set kernel (a path inside the root volume), kernelHostPath, "
                    + "or the image label io.unibloc.kernel");
        } else if (spec.kernel() != null && spec.kernelHostPath() != null) {
            problems.add("set either kernel or kernelHostPath, not both (kernel=" + spec.kernel() + ", kernelHostPath="
                    + spec.kernelHostPath() + ")");
        }
        if (spec.initrd() != null && spec.initrdHostPath() != null) {
            problems.add("set either initrd or initrdHostPath, not both");
        }
        absolute("kernel", spec.kernel(), problems);
        absolute("kernelHostPath", spec.kernelHostPath(), problems);
        absolute("initrd", spec.initrd(), problems);
        absolute("initrdHostPath", spec.initrdHostPath(), problems);
    }

    private static void checkCombination(BootSpec spec, List<String> problems) {
        if (spec.vmm() != Vmm.QEMU && spec.machine() != Machine.MICROVM) {
            problems.add("machine " + spec.machine().id() + " is a QEMU machine type; "
                    + spec.vmm().id() + " has a single machine model (leave machine unset)");
        }
        if (spec.vmm() == Vmm.FIRECRACKER && spec.guest() != GuestKind.LINUX && spec.guest() != GuestKind.UNIKRAFT) {
            problems.add("guest " + spec.guest().wireName() + " cannot run on firecracker (linux and unikraft can)");
        }
        if (spec.guest() == GuestKind.SOLO5 && spec.machine() == Machine.MICROVM) {
            problems.add("guest solo5 needs machine pc or q35: Solo5's virtio target drives virtio over PCI, which "
                    + "microvm does not have");
        }
        if (spec.vmm() == Vmm.CLOUD_HYPERVISOR && spec.guest() != GuestKind.LINUX) {
            problems.add("guest " + spec.guest().wireName() + " cannot run on cloud-hypervisor (linux can)");
        }
    }

    private static void checkNetwork(BootSpec spec, List<String> problems) {
        NetworkMode mode = spec.network().effectiveMode();
        if (mode == NetworkMode.NONE) {
            return;
        }
        if (spec.vmm() != Vmm.QEMU) {
            problems.add("network mode " + mode.id() + " needs vmm qemu (the sandbox wires NICs for QEMU only);"
                    + " use network mode none with " + spec.vmm().id());
        }
        if (mode == NetworkMode.TAP && spec.network().effectiveGuestConfig(spec.guest()) == GuestNetConfig.DHCP) {
            problems.add("network mode tap has no DHCP server, but the guest configures itself by DHCP (image label "
                    + ImageMetadata.NET
                    + "=dhcp): use network mode passt (it answers DHCP) or label the image cmdline");
        }
    }

    private static void checkCommandLine(BootSpec spec, List<String> problems) {
        if (!printable(spec.cmdline())) {
            problems.add("cmdline must not contain newlines or NUL characters");
        }
        for (int i = 0; i < spec.args().size(); i++) {
            String arg = spec.args().get(i);
            if (!printable(arg) || arg.indexOf('"') >= 0) {
                problems.add("args[" + i + "] must not contain double quotes, newlines or NUL characters (kernel "
                        + "command lines cannot carry them)");
            }
        }
        for (Map.Entry<String, String> entry : spec.env().entrySet()) {
            if (!ENV_NAME.matcher(entry.getKey()).matches()) {
                problems.add("env name \"" + entry.getKey() + "\" must match " + ENV_NAME.pattern());
            }
            if (!printable(entry.getValue()) || entry.getValue().indexOf('"') >= 0) {
                problems.add("env " + entry.getKey() + " must not contain double quotes, newlines or NUL characters");
            }
        }
        if (spec.guest() == GuestKind.LINUX) {
            // HOME and TERM take two of init's 32 environment slots; argv[0] takes one argument slot.
            if (spec.env().size() > LINUX_INIT_LIMIT - 2) {
                problems.add("env has " + spec.env().size() + " entries; Linux passes at most " + (LINUX_INIT_LIMIT - 2)
                        + " to init");
            }
            if (spec.args().size() > LINUX_INIT_LIMIT - 1) {
                problems.add("args has " + spec.args().size() + " entries; Linux passes at most "
                        + (LINUX_INIT_LIMIT - 1) + " to init");
            }
        }
    }

    private static void checkDevices(BootSpec spec, List<String> problems) {
        absolute("rootDevice", spec.rootDevice(), problems);
        Set<String> seen = new HashSet<>();
        seen.add(spec.rootDevice());
        for (int i = 0; i < spec.extraDevices().size(); i++) {
            String device = spec.extraDevices().get(i);
            absolute("extraDevices[" + i + "]", device, problems);
            if (!seen.add(device)) {
                problems.add("extraDevices[" + i + "] " + device + " is attached twice");
            }
        }
    }

    private static void checkFiles(BootSpec spec, List<String> problems) {
        if (spec.isReadOnly() && !spec.files().isEmpty()) {
            problems.add("the root volume is read-only (readOnly=true) so files cannot be projected into it (files[0]"
                    + " targets " + spec.files().get(0).target() + ")");
        }
        Set<String> targets = new HashSet<>();
        for (int i = 0; i < spec.files().size(); i++) {
            FileProjection file = spec.files().get(i);
            String field = "files[" + i + "]";
            if (file.source() == null || file.target() == null) {
                problems.add(field + " needs both source and target");
                continue;
            }
            absolute(field + ".source", file.source(), problems);
            absolute(field + ".target", file.target(), problems);
            if (file.target().equals("/") || file.target().endsWith("/")) {
                problems.add(field + ".target " + file.target() + " must name a file, not a directory");
            }
            if (List.of(file.target().split("/")).contains("..")) {
                problems.add(field + ".target " + file.target() + " must not contain ..");
            }
            if (!printable(file.target()) || file.target().indexOf('"') >= 0) {
                problems.add(field + ".target must not contain double quotes, newlines or NUL characters");
            }
            if (file.effectiveMode() < 0 || file.effectiveMode() > 07777) {
                problems.add(field + ".mode " + file.effectiveMode() + " is not a permission value (0 to 4095, "
                        + "i.e. 0 to 07777 octal; 420 is 0644)");
            }
            if (!targets.add(file.target())) {
                problems.add(field + ".target " + file.target() + " is projected twice");
            }
        }
    }

    private static void absolute(String field, String path, List<String> problems) {
        if (path == null) {
            return;
        }
        if (!path.startsWith("/")) {
            problems.add(field + " must be an absolute path, got \"" + path + "\"");
        } else if (!printable(path)) {
            problems.add(field + " must not contain newlines or NUL characters");
        }
    }

    private static boolean printable(String value) {
        return value.indexOf('\n') < 0 && value.indexOf('\r') < 0 && value.indexOf('\0') < 0;
    }
}
