package io.unibloc.operator.pod;

import io.unibloc.api.v1alpha1.UnikernelPodSpec;
import io.unibloc.api.v1alpha1.pod.FileProjection;
import io.unibloc.operator.network.NetworkPlan;
import io.unibloc.operator.network.NetworkPodParts;
import io.unibloc.sandbox.spec.BootSpec;
import io.unibloc.sandbox.spec.GuestKind;
import io.unibloc.sandbox.spec.InvalidBootSpecException;
import io.unibloc.sandbox.spec.Machine;
import io.unibloc.sandbox.spec.Vmm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Builds the sandbox's own {@link BootSpec} (writer and reader share one type) from a valid UnikernelPod spec
 * and its image's labels: the spec wins, then the {@code io.unibloc.*} label. What neither says stays {@code null}, and the sandbox applies its own
 * defaults, some of which depend on the guest (a Solo5 guest gets the {@code pc} machine, a non-Linux
 * guest an empty command line); a missing kernel is reported by the sandbox. Only memory and vCPUs are
 * always written, because the Pod's resources are computed from them. An image label naming no known VMM or
 * guest kind fails the build with {@link InvalidBootSpecException} naming the label.
 */
public final class BootSpecFactory {
    public static final String LABEL_KERNEL = "io.unibloc.kernel";
    public static final String LABEL_INITRD = "io.unibloc.initrd";
    public static final String LABEL_CMDLINE = "io.unibloc.cmdline";
    public static final String LABEL_GUEST = "io.unibloc.guest";
    public static final String LABEL_VMM = "io.unibloc.vmm";

    static final int DEFAULT_VCPUS = 1;
    static final int DEFAULT_FILE_MODE = 0644;

    private BootSpecFactory() {}

    /** The boot spec of the first Pod tried: the spec's network mode, else the default, auto as tap. */
    public static BootSpec build(UnikernelPodSpec spec, Map<String, String> labels, PodSettings settings) {
        return build(spec, labels, settings, NetworkPlan.initial(spec, settings.defaultNetworkMode()));
    }

    /** @param network the concrete mode of this Pod (never auto) */
    public static BootSpec build(
            UnikernelPodSpec spec, Map<String, String> labels, PodSettings settings, NetworkPlan network) {
        Map<String, String> l = labels == null ? Map.of() : labels;
        String memory = spec.getMemory() != null ? spec.getMemory() : settings.defaultMemory();
        List<io.unibloc.sandbox.spec.FileProjection> files = new ArrayList<>();
        List<FileProjection> projections = spec.getFiles() == null ? List.of() : spec.getFiles();
        for (int i = 0; i < projections.size(); i++) {
            FileProjection f = projections.get(i);
            String key = f.getConfigMap() != null
                    ? f.getConfigMap().getKey()
                    : f.getSecret().getKey();
            files.add(new io.unibloc.sandbox.spec.FileProjection(
                    PodNames.fileSource(i, key), f.getPath(), f.getMode() != null ? f.getMode() : DEFAULT_FILE_MODE));
        }
        return BootSpec.builder()
                .vmm(wireName(spec.getVmm() != null ? spec.getVmm().id() : null, l, LABEL_VMM, Vmm::fromWireName))
                .machine(
                        spec.getMachine() != null
                                ? Machine.fromWireName(spec.getMachine().id())
                                : null)
                .guest(wireName(
                        spec.getGuest() != null ? spec.getGuest().id() : null, l, LABEL_GUEST, GuestKind::fromWireName))
                .kernel(firstNonBlank(spec.getKernel(), l.get(LABEL_KERNEL)))
                .initrd(firstNonBlank(spec.getInitrd(), l.get(LABEL_INITRD)))
                .cmdline(spec.getCmdline() != null ? spec.getCmdline() : l.get(LABEL_CMDLINE))
                .args(spec.getArgs() == null ? List.of() : spec.getArgs())
                .env(spec.getEnv() == null ? Map.of() : new TreeMap<>(spec.getEnv()))
                .vcpus(spec.getVcpus() != null ? spec.getVcpus() : DEFAULT_VCPUS)
                .memoryMiB(Math.toIntExact(SpecValidator.memoryMiB(memory)))
                .rootDevice(PodNames.ROOT_DEVICE)
                .readOnly(spec.getRootfs() != null
                        && Boolean.TRUE.equals(spec.getRootfs().getReadOnly()))
                .files(files)
                .bootTimeoutSeconds(spec.getBootTimeoutSeconds())
                .network(NetworkPodParts.bootNetwork(spec, network))
                .build();
    }

    /** The spec's value, else the image label's, parsed by the sandbox's own enum; a bad label names itself. */
    private static <E> E wireName(
            String fromSpec, Map<String, String> labels, String label, Function<String, E> parse) {
        if (fromSpec != null) {
            return parse.apply(fromSpec);
        }
        String value = firstNonBlank(null, labels.get(label));
        if (value == null) {
            return null;
        }
        try {
            return parse.apply(value);
        } catch (InvalidBootSpecException e) {
            throw new InvalidBootSpecException("image label " + label + ": " + e.getMessage());
        }
    }

    private static String firstNonBlank(String a, String b) {
        if (a != null && !a.isBlank()) {
            return a;
        }
        return b != null && !b.isBlank() ? b : null;
    }
}
