package io.unibloc.operator.pod;

import io.unibloc.api.v1alpha1.UnikernelPodSpec;
import io.unibloc.api.v1alpha1.pod.FileProjection;
import io.unibloc.api.v1alpha1.pod.Guest;
import io.unibloc.api.v1alpha1.pod.Rootfs;
import io.unibloc.operator.network.NetworkSpecValidator;
import io.unibloc.registry.RegistryException;
import io.unibloc.registry.ref.ImageReference;
import io.unibloc.types.Machine;
import io.unibloc.types.Vmm;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The checks of the CRD schema, repeated: an API server without the schema (or an older CRD) must
 * not lead to a Pod that can never boot. Each message names the field and says what to write instead.
 */
public final class SpecValidator {
    private static final Pattern MEMORY = Pattern.compile(UnikernelPodSpec.MEMORY_PATTERN);
    private static final Pattern ROOTFS_SIZE = Pattern.compile(Rootfs.SIZE_PATTERN);
    private static final Pattern ENV_NAME = Pattern.compile("[^=\\x00]+");
    /** The sandbox's floor for Linux guests; unikernels boot with less (down to the schema's 32Mi). */
    static final int LINUX_MIN_MEMORY_MIB = 64;

    private SpecValidator() {}

    /** Every problem of the spec, including {@code spec.resources} against the operator's settings. */
    public static List<String> validate(UnikernelPodSpec spec, PodSettings settings) {
        List<String> problems = validate(spec);
        if (spec != null) {
            problems.addAll(SandboxResourcePlan.problems(spec, settings));
        }
        return problems;
    }

    /** Every problem of the spec; empty when it can be run. */
    public static List<String> validate(UnikernelPodSpec spec) {
        List<String> problems = new ArrayList<>();
        if (spec == null) {
            problems.add("spec is required: set at least spec.image");
            return problems;
        }
        if (spec.getImage() == null || spec.getImage().isBlank()) {
            problems.add("spec.image is required: the OCI image with the guest, e.g. registry.example.com/app:1.0");
        } else {
            try {
                ImageReference ref = ImageReference.parse(spec.getImage());
                if (ref.isLayout()) {
                    problems.add("spec.image '" + spec.getImage() + "' is an oci: layout on one machine; use a "
                            + "registry reference such as registry.example.com/app:1.0");
                }
            } catch (RegistryException e) {
                problems.add("spec.image: " + e.getMessage());
            }
        }
        if (spec.getVcpus() != null && (spec.getVcpus() < 1 || spec.getVcpus() > UnikernelPodSpec.MAX_VCPUS)) {
            problems.add("spec.vcpus must be between 1 and " + UnikernelPodSpec.MAX_VCPUS + ", got " + spec.getVcpus());
        }
        if (spec.getMemory() != null) {
            if (!MEMORY.matcher(spec.getMemory()).matches()) {
                problems.add("spec.memory '" + spec.getMemory() + "' must be a whole number of Mi or Gi, e.g. 256Mi");
            } else if (memoryMiB(spec.getMemory()) < UnikernelPodSpec.MIN_MEMORY_MIB) {
                problems.add("spec.memory must be at least " + UnikernelPodSpec.MIN_MEMORY_MIB
                        + "Mi: no supported guest boots with less, got " + spec.getMemory());
            }
        }
        Rootfs rootfs = spec.getRootfs();
        if (rootfs != null
                && rootfs.getSize() != null
                && !ROOTFS_SIZE.matcher(rootfs.getSize()).matches()) {
            problems.add(
                    "spec.rootfs.size '" + rootfs.getSize() + "' must be a whole number of Mi, Gi or Ti, e.g. 1Gi");
        }
        if (spec.getEnv() != null) {
            for (Map.Entry<String, String> e : spec.getEnv().entrySet()) {
                if (!ENV_NAME.matcher(e.getKey()).matches()) {
                    problems.add("spec.env: name '" + e.getKey() + "' must be non-empty and contain no '='");
                }
            }
        }
        validateFiles(spec.getFiles(), problems);
        NetworkSpecValidator.validate(spec, problems);
        validateCombinations(spec, problems);
        return problems;
    }

    /** Pairs of fields the sandbox refuses at boot; refused here so they never become a crash-looping Pod. */
    private static void validateCombinations(UnikernelPodSpec spec, List<String> problems) {
        Rootfs rootfs = spec.getRootfs();
        if (rootfs != null
                && Boolean.TRUE.equals(rootfs.getReadOnly())
                && spec.getFiles() != null
                && !spec.getFiles().isEmpty()) {
            problems.add("spec.rootfs.readOnly: true cannot be combined with spec.files: the files are written into "
                    + "the root volume before boot; drop readOnly or the files");
        }
        if (rootfs != null
                && rootfs.ephemeral()
                && !Boolean.TRUE.equals(rootfs.getReadOnly())
                && spec.getVmm() != null
                && spec.getVmm() != Vmm.QEMU) {
            problems.add("spec.rootfs.writeMode: ephemeral needs vmm qemu (the guest writes to a qcow2 overlay) unless "
                    + "spec.rootfs.readOnly is true, got " + spec.getVmm().id()
                    + "; use writeMode persistent with firecracker or cloud-hypervisor");
        }
        if (spec.getGuest() == Guest.LINUX
                && spec.getMemory() != null
                && MEMORY.matcher(spec.getMemory()).matches()
                && memoryMiB(spec.getMemory()) < LINUX_MIN_MEMORY_MIB) {
            problems.add("spec.memory must be at least " + LINUX_MIN_MEMORY_MIB + "Mi for a linux guest, got "
                    + spec.getMemory());
        }
        Vmm vmm = spec.getVmm();
        if (vmm != null && vmm != Vmm.QEMU && spec.getMachine() != null && spec.getMachine() != Machine.MICROVM) {
            problems.add("spec.machine " + spec.getMachine().id() + " is a QEMU machine type; " + vmm.id()
                    + " has a single machine model (leave spec.machine unset)");
        }
        Guest guest = spec.getGuest();
        if (vmm == Vmm.FIRECRACKER && guest != null && guest != Guest.LINUX && guest != Guest.UNIKRAFT
                || vmm == Vmm.CLOUD_HYPERVISOR && guest != null && guest != Guest.LINUX) {
            problems.add(
                    "spec.guest " + guest.id() + " cannot run on " + vmm.id()
                            + ": firecracker runs linux and unikraft guests, cloud-hypervisor runs linux guests, qemu runs all");
        }
        if (guest == Guest.SOLO5 && spec.getMachine() == Machine.MICROVM) {
            problems.add("a solo5 guest needs spec.machine pc or q35: Solo5's virtio target drives virtio over PCI, "
                    + "which microvm lacks");
        }
    }

    /** Whether {@code spec.memory} is absent or a usable amount, so that sizes can be computed from it. */
    static boolean memoryUsable(UnikernelPodSpec spec) {
        return spec.getMemory() == null
                || MEMORY.matcher(spec.getMemory()).matches()
                        && memoryMiB(spec.getMemory()) >= UnikernelPodSpec.MIN_MEMORY_MIB;
    }

    /** {@code 256Mi} → 256, {@code 2Gi} → 2048; only for text that matches the memory pattern. */
    public static long memoryMiB(String memory) {
        long n = Long.parseLong(memory.substring(0, memory.length() - 2));
        return memory.endsWith("Gi") ? Math.multiplyExact(n, 1024L) : n;
    }

    private static void validateFiles(List<FileProjection> files, List<String> problems) {
        if (files == null) {
            return;
        }
        if (files.size() > UnikernelPodSpec.MAX_FILES) {
            problems.add("spec.files has " + files.size() + " entries; at most " + UnikernelPodSpec.MAX_FILES
                    + " are allowed");
        }
        Set<String> paths = new HashSet<>();
        for (int i = 0; i < files.size(); i++) {
            FileProjection f = files.get(i);
            String where = "spec.files[" + i + "]";
            String path = f.getPath();
            if (path == null
                    || !path.startsWith("/")
                    || path.endsWith("/")
                    || path.contains("/../")
                    || path.endsWith("/..")
                    || path.indexOf('\0') >= 0) {
                problems.add(
                        where + ".path '" + path + "' must be an absolute file path without '..', e.g. /etc/app.conf");
            } else if (!paths.add(path)) {
                problems.add(where + ".path " + path + " is written by an earlier entry too");
            }
            if ((f.getConfigMap() == null) == (f.getSecret() == null)) {
                problems.add(where + ": set exactly one of configMap or secret as the file's source");
            } else {
                var ref = f.getConfigMap() != null ? f.getConfigMap() : f.getSecret();
                if (ref.getName() == null
                        || ref.getName().isBlank()
                        || ref.getKey() == null
                        || ref.getKey().isBlank()
                        || ref.getKey().contains("/")) {
                    problems.add(where + ": the source needs a name and a key (a key contains no '/')");
                }
            }
            if (f.getMode() != null && (f.getMode() < 0 || f.getMode() > 0777)) {
                problems.add(where + ".mode must be between 0 and 0777 (511 in decimal), got " + f.getMode());
            }
        }
    }
}
