package io.unibloc.operator.pod;

import static io.unibloc.api.status.Conditions.FALSE;
import static io.unibloc.api.status.Conditions.TRUE;
import static io.unibloc.api.v1alpha1.UnikernelPodStatus.NETWORK;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.unibloc.api.status.Conditions;
import io.unibloc.api.v1alpha1.pod.NetworkStatus;
import io.unibloc.operator.network.NetworkPodParts;
import io.unibloc.types.NetworkMode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the guest's network from its Pod: the mode the Pod was made with (its annotation), the Pod's IPs (which the
 * guest owns in tap and passt mode), and the condition {@code Network}: True with reason {@code TapMode},
 * {@code PasstMode}, {@code NetworkModeFallback} (auto met a Pod Security level that forbids NET_ADMIN and made a
 * passt Pod) or {@code NoNetwork}; False with reason {@code NetworkSetupFailed} when the sandbox could not wire the
 * guest and exited before booting it (its termination message names cause and fix).
 */
public final class NetworkStatusMapper {
    /** The sandbox's own reason, from its one definition. */
    public static final String NETWORK_SETUP_FAILED = io.unibloc.sandbox.net.NetworkSetupException.REASON;

    public static final String FALLBACK = "NetworkModeFallback";

    private NetworkStatusMapper() {}

    /** Sets the Network condition; the status' network, or {@code null} for a Pod made before networking existed. */
    public static NetworkStatus apply(Pod pod, Conditions conditions) {
        Map<String, String> annotations = pod.getMetadata().getAnnotations() == null
                ? Map.of()
                : pod.getMetadata().getAnnotations();
        NetworkMode mode = NetworkMode.fromId(annotations.get(NetworkPodParts.ANNOTATION_MODE));
        Optional<SandboxOutcome> failed = networkFailure(pod);
        if (failed.isPresent()) {
            conditions.set(
                    NETWORK,
                    FALSE,
                    NETWORK_SETUP_FAILED,
                    failed.get().message() != null
                            ? failed.get().message()
                            : "the sandbox could not connect the guest to the Pod's network");
        } else if (mode == null || mode == NetworkMode.NONE) {
            conditions.set(NETWORK, TRUE, "NoNetwork", "the guest has no network interface (spec.network.mode none)");
        } else if (annotations.get(NetworkPodParts.ANNOTATION_FALLBACK) != null) {
            conditions.set(NETWORK, TRUE, FALLBACK, annotations.get(NetworkPodParts.ANNOTATION_FALLBACK));
        } else if (mode == NetworkMode.TAP) {
            conditions.set(
                    NETWORK,
                    TRUE,
                    "TapMode",
                    "the guest owns the Pod's IP through a tap device mirrored to eth0 (NET_ADMIN in the Pod's"
                            + " network namespace only)");
        } else {
            conditions.set(
                    NETWORK,
                    TRUE,
                    "PasstMode",
                    "the guest owns the Pod's IP through passt, without capabilities; spec.ports and the probes'"
                            + " ports reach it");
        }
        if (mode == null) {
            return null;
        }
        var status = pod.getStatus();
        String ip = mode == NetworkMode.NONE || status == null ? null : status.getPodIP();
        List<String> ips = mode == NetworkMode.NONE || status == null || status.getPodIPs() == null
                ? List.of()
                : status.getPodIPs().stream().map(PodIP::getIp).toList();
        if (ips.isEmpty() && ip != null) {
            ips = List.of(ip);
        }
        return new NetworkStatus(mode, ip, ips);
    }

    /**
     * The failed network setup that still stands: the current run's report if it ended, else the last run's — also
     * while the kubelet's next attempt runs but has not yet got past network setup (the sandbox wires the guest
     * before it starts the VMM, so a run is past it once the guest booted: the container is started). Without that,
     * each restart of a {@code NetworkSetupFailed} crash loop flipped the condition to True for a moment.
     */
    static Optional<SandboxOutcome> networkFailure(Pod pod) {
        Optional<ContainerStatus> sandbox = sandboxStatus(pod);
        boolean runningPastSetup = sandbox.map(ContainerStatus::getState)
                        .map(ContainerState::getRunning)
                        .isPresent()
                && sandbox.map(ContainerStatus::getStarted).orElse(false);
        if (runningPastSetup) {
            return Optional.empty();
        }
        return sandbox.map(ContainerStatus::getState)
                .map(ContainerState::getTerminated)
                .or(() -> sandbox.map(ContainerStatus::getLastState).map(ContainerState::getTerminated))
                .map(ContainerStateTerminated::getMessage)
                .flatMap(SandboxOutcome::parse)
                .filter(o -> NETWORK_SETUP_FAILED.equals(o.reason()));
    }

    private static Optional<ContainerStatus> sandboxStatus(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return Optional.empty();
        }
        return pod.getStatus().getContainerStatuses().stream()
                .filter(s -> PodNames.SANDBOX_CONTAINER.equals(s.getName()))
                .findFirst();
    }
}
