package io.unibloc.operator.pod;

import io.unibloc.operator.config.OperatorConfig;
import io.unibloc.types.NetworkMode;
import java.util.List;

/**
 * The operator configuration that shapes a Pod, resolved to plain values once, so that building a
 * Pod needs no Quarkus and bad settings fail at start-up with the key that is wrong.
 */
public record PodSettings(
        String runtimeClassName,
        String storageClassName,
        String sandboxImage,
        String sandboxImagePullPolicy,
        List<String> sandboxImagePullSecrets,
        long vmmOverheadMiB,
        String defaultMemory,
        String defaultRootfsSize,
        long cpuRequestPerVcpuMillis,
        Integer bootTimeoutSeconds,
        boolean allowSoftwareEmulation,
        NetworkMode defaultNetworkMode) {

    public PodSettings {
        sandboxImagePullSecrets = List.copyOf(sandboxImagePullSecrets);
        defaultNetworkMode = defaultNetworkMode == null ? NetworkMode.AUTO : defaultNetworkMode;
    }

    /** The network's default mode {@code auto}. */
    public PodSettings(
            String runtimeClassName,
            String storageClassName,
            String sandboxImage,
            String sandboxImagePullPolicy,
            List<String> sandboxImagePullSecrets,
            long vmmOverheadMiB,
            String defaultMemory,
            String defaultRootfsSize,
            long cpuRequestPerVcpuMillis,
            Integer bootTimeoutSeconds,
            boolean allowSoftwareEmulation) {
        this(
                runtimeClassName,
                storageClassName,
                sandboxImage,
                sandboxImagePullPolicy,
                sandboxImagePullSecrets,
                vmmOverheadMiB,
                defaultMemory,
                defaultRootfsSize,
                cpuRequestPerVcpuMillis,
                bootTimeoutSeconds,
                allowSoftwareEmulation,
                NetworkMode.AUTO);
    }

    /** The same settings with another default network mode. */
    public PodSettings withDefaultNetworkMode(NetworkMode mode) {
        return new PodSettings(
                runtimeClassName,
                storageClassName,
                sandboxImage,
                sandboxImagePullPolicy,
                sandboxImagePullSecrets,
                vmmOverheadMiB,
                defaultMemory,
                defaultRootfsSize,
                cpuRequestPerVcpuMillis,
                bootTimeoutSeconds,
                allowSoftwareEmulation,
                mode);
    }

    /** No node-wide boot timeout (the sandbox's defaults), software emulation not allowed. */
    public PodSettings(
            String runtimeClassName,
            String storageClassName,
            String sandboxImage,
            String sandboxImagePullPolicy,
            List<String> sandboxImagePullSecrets,
            long vmmOverheadMiB,
            String defaultMemory,
            String defaultRootfsSize,
            long cpuRequestPerVcpuMillis) {
        this(
                runtimeClassName,
                storageClassName,
                sandboxImage,
                sandboxImagePullPolicy,
                sandboxImagePullSecrets,
                vmmOverheadMiB,
                defaultMemory,
                defaultRootfsSize,
                cpuRequestPerVcpuMillis,
                null,
                false,
                NetworkMode.AUTO);
    }

    /** Reads and checks the configuration; an unusable value is an {@link IllegalArgumentException} naming its key. */
    public static PodSettings from(OperatorConfig config) {
        String prefix = "unibloc.operator.";
        long overhead = Quantities.mebibytes(config.vmmOverhead(), prefix + "vmm-overhead");
        long memory = Quantities.mebibytes(config.defaultMemory(), prefix + "default-memory");
        if (memory < io.unibloc.api.v1alpha1.UnikernelPodSpec.MIN_MEMORY_MIB) {
            throw new IllegalArgumentException(
                    prefix + "default-memory must be at least 32Mi, got " + config.defaultMemory());
        }
        Quantities.mebibytes(config.defaultRootfsSize(), prefix + "default-rootfs-size");
        long cpu = Quantities.millicores(config.cpuRequestPerVcpu(), prefix + "cpu-request-per-vcpu");
        Integer bootTimeout = config.sandboxBootTimeoutSeconds().orElse(null);
        if (bootTimeout != null && (bootTimeout < 0 || bootTimeout > 3600)) {
            throw new IllegalArgumentException(
                    prefix + "sandbox-boot-timeout-seconds must be 0 (no watchdog) to 3600, got " + bootTimeout);
        }
        NetworkMode network = NetworkMode.fromId(config.network().defaultMode());
        if (network == null) {
            throw new IllegalArgumentException(prefix + "network.default-mode must be auto, tap, passt or none, got "
                    + config.network().defaultMode());
        }
        return new PodSettings(
                config.runtimeClassName(),
                config.storageClassName(),
                config.sandboxImage(),
                config.sandboxImagePullPolicy(),
                config.sandboxImagePullSecrets().orElse(List.of()),
                overhead,
                memory + "Mi",
                config.defaultRootfsSize(),
                cpu,
                bootTimeout,
                config.allowSoftwareEmulation(),
                network);
    }
}
