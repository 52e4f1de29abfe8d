package io.unibloc.operator.pod;

import io.unibloc.api.v1alpha1.UnikernelPodSpec;
import io.unibloc.api.v1alpha1.pod.FileProjection;
import io.unibloc.operator.network.NetworkPlan;
import io.unibloc.operator.network.NetworkPodParts;
import io.unibloc.sandbox.spec.BootSpec;
import io.unibloc.sandbox.spec.GuestKind;
import io.unibloc.sandbox.spec.ImageMetadata;
import io.unibloc.sandbox.spec.InvalidBootSpecException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the sandbox's own {@link BootSpec} (writer and reader share one type) from a valid UnikernelPod spec
 * and its image's labels: the spec wins, then the image's metadata as the sandbox's own {@link ImageMetadata}
 * reads it (the {@code io.unibloc.*} labels, among them {@code io.unibloc.machine} and {@code io.unibloc.net},
 * and urunc's annotations), so a Pod boots an image exactly as {@code unibloc run} does. What neither says stays
 * {@code null}, and the sandbox applies its own defaults, some of which depend on the guest (a Solo5 guest gets
 * the {@code pc} machine, a non-Linux guest an empty command line); a missing kernel is reported by the sandbox.
 * Only memory and vCPUs are always written, because the Pod's resources are computed from them. An image label
 * the sandbox does not understand fails the build with {@link InvalidBootSpecException} naming the label.
 */
public final class BootSpecFactory {
    static final int DEFAULT_VCPUS = 1;
    static final int DEFAULT_FILE_MODE = 0644;

    private BootSpecFactory() {}

    /** The boot spec of the first Pod tried: the spec's network mode, else the default, auto as tap. */
    public static BootSpec build(UnikernelPodSpec spec, Map<String, String> labels, PodSettings settings) {
        return build(spec, labels, settings, NetworkPlan.initial(spec, settings.defaultNetworkMode(), labels));
    }

    /** @param network the concrete mode of this Pod (never auto) */
    public static BootSpec build(
            UnikernelPodSpec spec, Map<String, String> labels, PodSettings settings, NetworkPlan network) {
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
        BootSpec fromSpec = BootSpec.builder()
                .vmm(spec.getVmm())
                .machine(spec.getMachine())
                .guest(
                        spec.getGuest() != null
                                ? GuestKind.fromWireName(spec.getGuest().id())
                                : null)
                .kernel(blankAsUnset(spec.getKernel()))
                .initrd(blankAsUnset(spec.getInitrd()))
                .cmdline(spec.getCmdline())
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
        return ImageMetadata.applyTo(labels == null ? Map.of() : labels, fromSpec);
    }

    private static String blankAsUnset(String value) {
        return value != null && !value.isBlank() ? value : null;
    }
}
