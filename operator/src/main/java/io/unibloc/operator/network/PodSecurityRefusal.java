package io.unibloc.operator.network;

import io.fabric8.kubernetes.api.model.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Pod refused by the Pod Security admission controller, read from the API server's answer. That answer is
 * {@code apierrors.NewForbidden(pods, name, err)}: code 403, reason {@code Forbidden}, details.kind {@code pods},
 * no causes, and the message {@code pods "<name>" is forbidden: violates PodSecurity "<level>:<version>": <check>
 * (<detail>), ...}. The message is the only place that names the policy and the offending capability, so it is
 * parsed by the pod-security-admission library's own formats, anchored on those, never searched for loose words: a
 * check's detail for added capabilities reads {@code container "sandbox" must not include "NET_ADMIN" in
 * securityContext.capabilities.add} (baseline's "non-default capabilities", restricted's "unrestricted capabilities").
 *
 * @param level baseline or restricted
 * @param version the policy version, e.g. latest or v1.29
 * @param violations the text after the level, one entry per failed check
 */
public record PodSecurityRefusal(String level, String version, String violations) {
    private static final Pattern VIOLATES = Pattern.compile(
            "^pods(?: \"[^\"]*\")? is forbidden: violates PodSecurity \"([a-z]+):([^\"]+)\": (.+)$", Pattern.DOTALL);
    private static final Pattern ADDED_CAPABILITIES =
            Pattern.compile("must not include ((?:\"[A-Z_]+\"(?:, )?)+) in securityContext\\.capabilities\\.add");
    private static final Pattern QUOTED = Pattern.compile("\"([A-Z_]+)\"");

    /** The refusal in {@code status}, when Pod Security admission refused a Pod; empty for any other answer. */
    public static Optional<PodSecurityRefusal> from(Status status) {
        if (status == null
                || status.getCode() == null
                || status.getCode() != 403
                || !"Forbidden".equals(status.getReason())
                || status.getMessage() == null
                || (status.getDetails() != null
                        && status.getDetails().getKind() != null
                        && !"pods".equals(status.getDetails().getKind()))) {
            return Optional.empty();
        }
        Matcher m = VIOLATES.matcher(status.getMessage());
        return m.matches() ? Optional.of(new PodSecurityRefusal(m.group(1), m.group(2), m.group(3))) : Optional.empty();
    }

    /** The capabilities the policy refused in {@code securityContext.capabilities.add}. */
    public List<String> refusedCapabilities() {
        List<String> out = new ArrayList<>();
        Matcher m = ADDED_CAPABILITIES.matcher(violations);
        while (m.find()) {
            Matcher q = QUOTED.matcher(m.group(1));
            while (q.find()) {
                if (!out.contains(q.group(1))) {
                    out.add(q.group(1));
                }
            }
        }
        return out;
    }

    /** Whether the policy refused adding {@code capability}, e.g. NET_ADMIN. */
    public boolean refusesCapability(String capability) {
        return refusedCapabilities().contains(capability);
    }

    /** {@code baseline:latest}, as the namespace's label and the message spell it. */
    public String policy() {
        return level + ":" + version;
    }

    /** The Network condition's message when auto made a passt Pod because of this refusal. */
    public String fallbackMessage(String namespace) {
        return "namespace " + namespace + " enforces Pod Security \"" + policy() + "\", which forbids NET_ADMIN that"
                + " tap needs, so the guest uses passt (the Pod's IP still, without privileges, slower; only spec.ports"
                + " and the probes' ports reach it). For tap, label the namespace"
                + " pod-security.kubernetes.io/enforce=privileged; to skip the attempt, set spec.network.mode: passt";
    }

    /** What to do when {@code spec.network.mode: tap} was asked for explicitly and the policy refuses it. */
    public String tapForbiddenHint() {
        return "spec.network.mode tap needs NET_ADMIN, which Pod Security \"" + policy() + "\" forbids: set"
                + " spec.network.mode passt (or auto), or label the namespace pod-security.kubernetes.io/enforce=privileged";
    }
}
