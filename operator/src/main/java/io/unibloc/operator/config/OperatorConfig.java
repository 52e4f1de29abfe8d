package io.unibloc.operator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Everything an administrator can set, as {@code unibloc.operator.*} properties or the matching
 * environment variables ({@code UNIBLOC_OPERATOR_SANDBOX_IMAGE} ...). Changes apply to Pods created
 * afterwards; running guests are not replaced because the operator's configuration changed.
 */
@ConfigMapping(prefix = "unibloc.operator")
public interface OperatorConfig {

    /** RuntimeClass of a UnikernelPod's Pod when its spec names none. */
    @WithDefault("unibloc-kvm")
    String runtimeClassName();

    /** StorageClass of the root volume's claim, which the operator creates before the Pod. */
    @WithDefault("unibloc")
    String storageClassName();

    /** Image of the sandbox container that boots the guest. */
    @WithDefault("unibloc/sandbox:0.1.0")
    String sandboxImage();

    /** Pull policy of the sandbox image. */
    @WithDefault("IfNotPresent")
    String sandboxImagePullPolicy();

    /** Secrets (in each UnikernelPod's namespace) for pulling the sandbox image, if it is private. */
    Optional<List<String>> sandboxImagePullSecrets();

    /**
     * Memory the VMM itself holds beyond the guest's (launcher JVM + QEMU, measured 176 MiB under TCG); added to the
     * sandbox container's memory limit. The RuntimeClass overhead counts it for the scheduler.
     */
    @WithDefault("192Mi")
    String vmmOverhead();

    /** Guest memory when the spec gives none. */
    @WithDefault("256Mi")
    String defaultMemory();

    /** Root volume size when the spec gives none. */
    @WithDefault("1Gi")
    String defaultRootfsSize();

    /** CPU requested per guest vCPU (no CPU limit is set, so vCPU threads are never throttled); docs/operator.md. */
    @WithDefault("25m")
    String cpuRequestPerVcpu();

    /**
     * The node-wide boot deadline given to every sandbox as {@code UNIBLOC_BOOT_TIMEOUT_SECONDS} (0 disables the
     * watchdog); unset: the sandbox's defaults (10 s under KVM, 60 s under TCG). A UnikernelPod's
     * {@code bootTimeoutSeconds} wins.
     */
    Optional<Integer> sandboxBootTimeoutSeconds();

    /**
     * Whether guests may run under TCG on nodes without usable KVM (chart {@code sandbox.allowSoftwareEmulation});
     * only changes what the operator tells users when a Pod cannot be scheduled.
     */
    @WithDefault("false")
    boolean allowSoftwareEmulation();

    /**
     * Shortest time between two status writes of one UnikernelPod that only record progress within a phase; phase
     * changes and problems are written at once. 0 writes every change.
     */
    @WithDefault("1s")
    Duration statusPacing();

    /** How guests join their Pod's network. */
    Network network();

    interface Network {
        /**
         * The mode of a UnikernelPod whose spec.network.mode is unset: auto (tap, or passt where Pod Security
         * forbids NET_ADMIN), tap, passt or none (chart {@code network.defaultMode}).
         */
        @WithDefault("auto")
        String defaultMode();
    }

    /** How the operator resolves tags to digests. */
    Pin pin();

    /** Registry access of the pinning client. */
    Registry registry();

    interface Pin {
        /** How long a resolved tag is reused before the registry is asked again. */
        @WithDefault("5m")
        Duration cacheTtl();

        /** Wait after the first failure; doubles with each further failure of the same image. */
        @WithDefault("5s")
        Duration backoffInitial();

        /** Longest wait between two attempts for a failing image. */
        @WithDefault("5m")
        Duration backoffMax();

        /** Registry requests in flight at once (pins run on their own threads, never in a reconcile). */
        @WithDefault("4")
        int threads();
    }

    interface Registry {
        /** Hosts spoken to over plain HTTP; 127.0.0.1, localhost and ::1 always are. */
        Optional<List<String>> insecure();

        /** Tries per registry request before a pin fails as unavailable. */
        @WithDefault("3")
        int maxAttempts();

        @WithDefault("10s")
        Duration connectTimeout();

        @WithDefault("30s")
        Duration idleTimeout();

        /** The platform whose manifest an image index is read for (labels), os/arch[/variant]. */
        @WithDefault("linux/amd64")
        String platform();
    }
}
