package io.unibloc.operator.pod;

import io.unibloc.api.v1alpha1.UnikernelPodSpec;
import io.unibloc.api.v1alpha1.pod.FileProjection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the boot spec from a valid UnikernelPod spec and its image's labels: the spec wins, then the
 * {@code io.unibloc.*} label. What neither says stays {@code null}, and the sandbox applies its own
 * defaults, some of which depend on the guest (a Solo5 guest gets the {@code pc} machine, a non-Linux
 * guest an empty command line); a missing kernel is reported by the sandbox. Only memory and vCPUs are
 * always written, because the Pod's resources are computed from them.
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

    public static BootSpec build(UnikernelPodSpec spec, Map<String, String> labels, PodSettings settings) {
        Map<String, String> l = labels == null ? Map.of() : labels;
        String memory = spec.getMemory() != null ? spec.getMemory() : settings.defaultMemory();
        List<BootSpec.File> files = new ArrayList<>();
        List<FileProjection> projections = spec.getFiles() == null ? List.of() : spec.getFiles();
        for (int i = 0; i < projections.size(); i++) {
            FileProjection f = projections.get(i);
            String key = f.getConfigMap() != null ? f.getConfigMap().getKey() : f.getSecret().getKey();
            files.add(new BootSpec.File(PodNames.fileSource(i, key), f.getPath(),
                    f.getMode() != null ? f.getMode() : DEFAULT_FILE_MODE));
        }
        return new BootSpec(
                spec.getVmm() != null ? spec.getVmm().id() : firstNonBlank(null, l.get(LABEL_VMM)),
                spec.getMachine() != null ? spec.getMachine().id() : null,
                spec.getGuest() != null ? spec.getGuest().id() : firstNonBlank(null, l.get(LABEL_GUEST)),
                firstNonBlank(spec.getKernel(), l.get(LABEL_KERNEL)),
                null,
                firstNonBlank(spec.getInitrd(), l.get(LABEL_INITRD)),
                null,
                spec.getCmdline() != null ? spec.getCmdline() : l.get(LABEL_CMDLINE),
                spec.getArgs() == null ? List.of() : List.copyOf(spec.getArgs()),
                spec.getEnv() == null ? Map.of() : new TreeMap<>(spec.getEnv()),
                spec.getVcpus() != null ? spec.getVcpus() : DEFAULT_VCPUS,
                SpecValidator.memoryMiB(memory),
                PodNames.ROOT_DEVICE,
                spec.getRootfs() != null && Boolean.TRUE.equals(spec.getRootfs().getReadOnly()),
                List.of(),
                files,
                spec.getBootTimeoutSeconds());
    }

    private static String firstNonBlank(String a, String b) {
        if (a != null && !a.isBlank()) {
            return a;
        }
        return b != null && !b.isBlank() ? b : null;
    }
}
