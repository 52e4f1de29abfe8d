package io.unibloc.operator.pod;

import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.unibloc.api.v1alpha1.pod.GuestProbe;

/**
 * The sandbox container's probes. The guest's first console output decides when the Pod becomes Ready: the sandbox
 * creates its ready file then, and a <b>startup</b> probe ({@code test -f}) checks for it every second. The kubelet
 * stops a startup probe for good once it succeeded and runs no readiness or liveness probe before that, so a running
 * guest costs no probe execution at all in steady state (an exec readiness probe would cost one runc exec per Pod per
 * second for the Pod's whole life). Without a readiness probe the kubelet marks the container Ready as soon as the
 * startup probe succeeded; the user's own probes (tcpSocket/httpGet against the guest, which the kubelet runs from the
 * node without forking anything in the Pod) become the readiness and liveness probes and start only then.
 *
 * <p>The startup probe must never kill a guest the sandbox's own boot watchdog is still waiting for, so it allows
 * for the whole watchdog: a KVM attempt and the one TCG retry the sandbox makes after a KVM boot hangs, each with its
 * boot timeout, plus the launcher's own start before the VMM runs.
 */
public final class SandboxProbes {
    /** Seconds the launcher may take before the VMM runs (JVM start, KVM probe, device checks, file writes). */
    static final int LAUNCH_MARGIN_SECONDS = 30;
    /** The sandbox's watchdog defaults (sandbox {@code SandboxOptions}): under KVM and under TCG. */
    static final int DEFAULT_KVM_BOOT_SECONDS = 10;

    static final int DEFAULT_TCG_BOOT_SECONDS = 60;
    /** With the watchdog off (0) a silent guest may boot as long as the sandbox allows any timeout: a day, twice. */
    static final int NO_WATCHDOG_SECONDS = 2 * 86_400;

    static final int PERIOD_SECONDS = 1;

    /** What the container runs: a startup probe always; readiness and liveness only when the user gave them. */
    public record Probes(Probe startup, Probe readiness, Probe liveness) {}

    private SandboxProbes() {}

    /**
     * The one place the sandbox container's probes are made, the user's among them.
     *
     * @param specBootTimeout the UnikernelPod's {@code bootTimeoutSeconds} (wins), or {@code null}
     * @param nodeBootTimeout the operator's node-wide {@code sandbox-boot-timeout-seconds}, or {@code null}
     * @param readiness the user's {@code spec.readinessProbe}, or {@code null}
     * @param liveness the user's {@code spec.livenessProbe}, or {@code null}
     */
    public static Probes of(
            Integer specBootTimeout, Integer nodeBootTimeout, GuestProbe readiness, GuestProbe liveness) {
        Probe startup = new ProbeBuilder()
                .withNewExec()
                .withCommand("test", "-f", PodFactory.READY_FILE)
                .endExec()
                .withPeriodSeconds(PERIOD_SECONDS)
                .withTimeoutSeconds(1)
                .withSuccessThreshold(1)
                .withFailureThreshold(startupFailureThreshold(specBootTimeout, nodeBootTimeout))
                .build();
        return new Probes(startup, toProbe(readiness), toProbe(liveness));
    }

    /** The user's probe as the kubelet takes it, or {@code null}; the schema and the validator refused exec. */
    private static Probe toProbe(GuestProbe probe) {
        if (probe == null) {
            return null;
        }
        return new ProbeBuilder()
                .withTcpSocket(probe.getTcpSocket())
                .withHttpGet(probe.getHttpGet())
                .withInitialDelaySeconds(probe.getInitialDelaySeconds())
                .withPeriodSeconds(probe.getPeriodSeconds())
                .withTimeoutSeconds(probe.getTimeoutSeconds())
                .withSuccessThreshold(probe.getSuccessThreshold())
                .withFailureThreshold(probe.getFailureThreshold())
                .build();
    }

    /** Probe periods until the kubelet gives up on a silent guest: never before the sandbox's watchdog does. */
    static int startupFailureThreshold(Integer specBootTimeout, Integer nodeBootTimeout) {
        Integer explicit = specBootTimeout != null ? specBootTimeout : nodeBootTimeout;
        long watchdog;
        if (explicit == null) {
            watchdog = DEFAULT_KVM_BOOT_SECONDS + DEFAULT_TCG_BOOT_SECONDS;
        } else if (explicit == 0) {
            watchdog = NO_WATCHDOG_SECONDS;
        } else {
            watchdog = 2L * explicit; // the KVM attempt, then the TCG retry, each with the same deadline
        }
        return Math.toIntExact((watchdog + LAUNCH_MARGIN_SECONDS + PERIOD_SECONDS - 1) / PERIOD_SECONDS);
    }
}
