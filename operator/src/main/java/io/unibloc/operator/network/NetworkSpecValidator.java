package io.unibloc.operator.network;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.unibloc.api.v1alpha1.UnikernelPodSpec;
import io.unibloc.api.v1alpha1.pod.GuestPort;
import io.unibloc.api.v1alpha1.pod.GuestProbe;
import io.unibloc.types.NetworkMode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The CRD's checks of spec.ports, spec.network and the probes, repeated for an API server without the schema, plus
 * what the schema cannot see: a probe's named port must be one of spec.ports. Each message names the field.
 */
public final class NetworkSpecValidator {
    private static final Pattern PORT_NAME = Pattern.compile(GuestPort.NAME_PATTERN);
    private static final Pattern HAS_LETTER = Pattern.compile(".*[a-z].*");

    private NetworkSpecValidator() {}

    /** Adds each problem of the spec's network fields to {@code problems}. */
    public static void validate(UnikernelPodSpec spec, List<String> problems) {
        validatePorts(spec.getPorts(), problems);
        validateProbe("spec.readinessProbe", spec.getReadinessProbe(), spec, problems);
        validateProbe("spec.livenessProbe", spec.getLivenessProbe(), spec, problems);
        if (spec.getLivenessProbe() != null
                && spec.getLivenessProbe().getSuccessThreshold() != null
                && spec.getLivenessProbe().getSuccessThreshold() != 1) {
            problems.add("spec.livenessProbe.successThreshold must be 1, got "
                    + spec.getLivenessProbe().getSuccessThreshold());
        }
        boolean none = spec.getNetwork() != null && spec.getNetwork().getMode() == NetworkMode.NONE;
        if (none && (spec.getReadinessProbe() != null || spec.getLivenessProbe() != null)) {
            problems.add("spec.network.mode none gives the guest no NIC, so its probes could never pass; use mode"
                    + " auto, tap or passt, or drop readinessProbe and livenessProbe");
        }
    }

    private static void validatePorts(List<GuestPort> ports, List<String> problems) {
        if (ports == null) {
            return;
        }
        if (ports.size() > UnikernelPodSpec.MAX_PORTS) {
            problems.add("spec.ports has " + ports.size() + " entries; at most " + UnikernelPodSpec.MAX_PORTS
                    + " are allowed");
        }
        Set<String> names = new HashSet<>();
        Set<String> pairs = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            GuestPort p = ports.get(i);
            String where = "spec.ports[" + i + "]";
            Integer n = p.getContainerPort();
            if (n == null || n < 1 || n > 65535) {
                problems.add(where + ".containerPort must be 1 to 65535, got " + n);
            } else if (!pairs.add(n + "/" + p.effectiveProtocol())) {
                problems.add(where + ": containerPort " + n + "/" + p.effectiveProtocol() + " is listed twice");
            }
            String name = p.getName();
            if (name != null) {
                if (name.length() > GuestPort.MAX_NAME
                        || !PORT_NAME.matcher(name).matches()
                        || !HAS_LETTER.matcher(name).matches()
                        || name.contains("--")) {
                    problems.add(where + ".name '" + name + "' must be an IANA service name: at most 15 lowercase"
                            + " letters, digits and '-', with at least one letter, no '--', e.g. http");
                } else if (!names.add(name)) {
                    problems.add(where + ".name " + name + " is used by an earlier port too");
                }
            }
        }
    }

    private static void validateProbe(String where, GuestProbe probe, UnikernelPodSpec spec, List<String> problems) {
        if (probe == null) {
            return;
        }
        if (probe.getExec() != null) {
            problems.add(where + ".exec cannot run: the application is inside the guest and there is no process to"
                    + " exec into; probe the guest's port with tcpSocket or httpGet");
            return;
        }
        if ((probe.getTcpSocket() == null) == (probe.getHttpGet() == null)) {
            problems.add(where + ": set exactly one of tcpSocket or httpGet");
            return;
        }
        String handler = probe.getTcpSocket() != null ? ".tcpSocket" : ".httpGet";
        IntOrString port = probe.getTcpSocket() != null
                ? probe.getTcpSocket().getPort()
                : probe.getHttpGet().getPort();
        if (port == null || (port.getIntVal() == null && port.getStrVal() == null)) {
            problems.add(where + handler + ".port is required: a number or the name of one of spec.ports");
        } else if (port.getIntVal() != null) {
            if (port.getIntVal() < 1 || port.getIntVal() > 65535) {
                problems.add(where + handler + ".port must be 1 to 65535, got " + port.getIntVal());
            }
        } else if (NetworkPodParts.ports(spec).stream()
                .noneMatch(p -> port.getStrVal().equals(p.getName()))) {
            problems.add(where + handler + ".port '" + port.getStrVal()
                    + "' names no entry of spec.ports; name one of them or give the number");
        }
    }
}
