package io.unibloc.operator.pod;

import io.unibloc.operator.config.OperatorConfig;
import java.util.List;

/**
 * The operator configuration that shapes a Pod, resolved to plain values once, so that building a
 * Pod needs no Quarkus and bad settings fail at start-up with the key that is wrong.
 */
public record PodSettings(String runtimeClassName, String storageClassName, String sandboxImage,
                          String sandboxImagePullPolicy, List<String> sandboxImagePullSecrets, long vmmOverheadMiB,
                          String defaultMemory, String defaultRootfsSize, long cpuRequestPerVcpuMillis) {

    public PodSettings {
        sandboxImagePullSecrets = List.copyOf(sandboxImagePullSecrets);
    }

    /** Reads and checks the configuration; an unusable value is an {@link IllegalArgumentException} naming its key. */
    public static PodSettings from(OperatorConfig config) {
        String prefix = "unibloc.operator.";
        long overhead = Sizes.mebibytes(config.vmmOverhead(), prefix + "vmm-overhead");
        long memory = Sizes.mebibytes(config.defaultMemory(), prefix + "default-memory");
        if (memory < io.unibloc.api.v1alpha1.UnikernelPodSpec.MIN_MEMORY_MIB) {
            throw new IllegalArgumentException(prefix + "default-memory must be at least 32Mi, got "
                    + config.defaultMemory());
        }
        Sizes.mebibytes(config.defaultRootfsSize(), prefix + "default-rootfs-size");
        long cpu = Sizes.millicores(config.cpuRequestPerVcpu(), prefix + "cpu-request-per-vcpu");
        return new PodSettings(config.runtimeClassName(), config.storageClassName(), config.sandboxImage(),
                config.sandboxImagePullPolicy(), config.sandboxImagePullSecrets().orElse(List.of()), overhead,
                memory + "Mi", config.defaultRootfsSize(), cpu);
    }
}
