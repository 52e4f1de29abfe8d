package io.unibloc.operator.network;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.unibloc.api.v1alpha1.UnikernelPodSpec;
import io.unibloc.api.v1alpha1.pod.GuestPort;
import io.unibloc.api.v1alpha1.pod.GuestProbe;
import io.unibloc.sandbox.spec.NetworkSpec;
import io.unibloc.types.NetworkMode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What networking adds to the sandbox's Pod, per mode. Every mode: the container's {@code ports} from spec.ports
 * (Services and named probe ports find them); the user's readiness and liveness probes, which the kubelet sends to
 * the Pod's IP that the guest owns, are set with the sandbox's own by {@code SandboxProbes}. {@code tap} adds CAP_NET_ADMIN, which acts only in the Pod's own network
 * namespace (the tap device and its TC redirects live there); {@code /dev/net/tun} comes with the Pod's
 * {@code unibloc.io/kvm} device, so nothing is privileged. {@code passt} adds nothing; {@code none} is the Pod
 * without a NIC in the guest. The mode (and why auto gave up tap) is recorded in the Pod's annotations, which the
 * status is later read from.
 */
public final class NetworkPodParts {
    /** The concrete mode the Pod was made with: tap, passt or none. */
    public static final String ANNOTATION_MODE = "unibloc.io/network-mode";
    /** Why {@code auto} made a passt Pod instead of a tap one (the admission's refusal). */
    public static final String ANNOTATION_FALLBACK = "unibloc.io/network-fallback";

    public static final String NET_ADMIN = "NET_ADMIN";

    private NetworkPodParts() {}

    /**
     * Adds ports and the tap capability to {@code sandbox} and the mode to {@code podAnnotations}; the user's probes
     * are the sandbox's ({@code SandboxProbes}), their ports reach the guest through {@link #bootNetwork}.
     */
    public static void apply(
            Container sandbox, Map<String, String> podAnnotations, UnikernelPodSpec spec, NetworkPlan plan) {
        podAnnotations.put(ANNOTATION_MODE, plan.mode().id());
        if (plan.fallback() != null) {
            podAnnotations.put(ANNOTATION_FALLBACK, plan.fallback());
        }
        List<ContainerPort> ports = containerPorts(spec);
        if (!ports.isEmpty()) {
            sandbox.setPorts(ports);
        }
        if (plan.mode() == NetworkMode.TAP) {
            SecurityContext sc =
                    sandbox.getSecurityContext() == null ? new SecurityContext() : sandbox.getSecurityContext();
            sandbox.setSecurityContext(new SecurityContextBuilder(sc)
                    .editOrNewCapabilities()
                    .addToAdd(NET_ADMIN)
                    .endCapabilities()
                    .build());
        }
    }

    static List<ContainerPort> containerPorts(UnikernelPodSpec spec) {
        List<ContainerPort> out = new ArrayList<>();
        for (GuestPort p : ports(spec)) {
            out.add(new ContainerPortBuilder()
                    .withName(p.getName())
                    .withContainerPort(p.getContainerPort())
                    .withProtocol(p.effectiveProtocol().name())
                    .build());
        }
        return out;
    }

    /**
     * The boot spec's network: the plan's mode and the ports that must reach the guest, spec.ports and then the
     * probes' ports (TCP) not listed there, because passt forwards only the ports it is given.
     */
    public static NetworkSpec bootNetwork(UnikernelPodSpec spec, NetworkPlan plan) {
        NetworkMode mode = plan.mode();
        if (plan.mode() == NetworkMode.NONE) {
            return new NetworkSpec(mode, List.of());
        }
        Set<io.unibloc.sandbox.spec.GuestPort> ports = new LinkedHashSet<>();
        for (GuestPort p : ports(spec)) {
            ports.add(new io.unibloc.sandbox.spec.GuestPort(
                    p.getContainerPort(), p.effectiveProtocol().name()));
        }
        for (GuestProbe probe : probes(spec)) {
            probePort(probe, spec)
                    .ifPresent(port -> ports.add(
                            new io.unibloc.sandbox.spec.GuestPort(port, io.unibloc.sandbox.spec.GuestPort.TCP)));
        }
        return new NetworkSpec(mode, List.copyOf(ports));
    }

    /** The number the probe connects to: its port, or the number of the spec.ports entry it names. */
    static Optional<Integer> probePort(GuestProbe probe, UnikernelPodSpec spec) {
        IntOrString port = probe.getTcpSocket() != null
                ? probe.getTcpSocket().getPort()
                : probe.getHttpGet() != null ? probe.getHttpGet().getPort() : null;
        if (port == null) {
            return Optional.empty();
        }
        if (port.getIntVal() != null) {
            return Optional.of(port.getIntVal());
        }
        return ports(spec).stream()
                .filter(p -> port.getStrVal() != null && port.getStrVal().equals(p.getName()))
                .map(GuestPort::getContainerPort)
                .findFirst();
    }

    static List<GuestPort> ports(UnikernelPodSpec spec) {
        return spec.getPorts() == null ? List.of() : spec.getPorts();
    }

    static List<GuestProbe> probes(UnikernelPodSpec spec) {
        List<GuestProbe> out = new ArrayList<>();
        if (spec.getReadinessProbe() != null) {
            out.add(spec.getReadinessProbe());
        }
        if (spec.getLivenessProbe() != null) {
            out.add(spec.getLivenessProbe());
        }
        return out;
    }
}
