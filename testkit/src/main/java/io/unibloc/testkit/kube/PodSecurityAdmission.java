package io.unibloc.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The Pod Security admission controller's enforce mode, for the checks a unibloc Pod can meet, with the real
 * controller's wording (pod-security-admission's check results, aggregated in check-id order): a namespace
 * labelled {@code pod-security.kubernetes.io/enforce: baseline} refuses privileged containers, hostPath volumes and
 * capabilities beyond the default set; {@code restricted} adds allowPrivilegeEscalation, capabilities (drop ALL, add
 * at most NET_BIND_SERVICE), runAsNonRoot and seccompProfile. The refusal reads {@code pods "<name>" is forbidden:
 * violates PodSecurity "<level>:<version>": <check> (<detail>), ...}. Host namespaces, ports, sysctls, AppArmor,
 * SELinux, /proc mount and volume types other than hostPath are not modelled.
 */
public final class PodSecurityAdmission {
    public static final String ENFORCE = "pod-security.kubernetes.io/enforce";
    public static final String ENFORCE_VERSION = "pod-security.kubernetes.io/enforce-version";
    /** Capabilities baseline lets a container add (the container runtimes' defaults). */
    static final Set<String> BASELINE_CAPABILITIES = Set.of(
            "AUDIT_WRITE",
            "CHOWN",
            "DAC_OVERRIDE",
            "FOWNER",
            "FSETID",
            "KILL",
            "MKNOD",
            "NET_BIND_SERVICE",
            "SETFCAP",
            "SETGID",
            "SETPCAP",
            "SETUID",
            "SYS_CHROOT");

    private PodSecurityAdmission() {}

    /**
     * The refusal message for {@code pod} in a namespace with {@code namespaceLabels}; empty when admitted (no
     * enforce label, {@code privileged}, or no violation).
     */
    public static Optional<String> refusal(JsonNode namespaceLabels, JsonNode pod) {
        String level =
                namespaceLabels == null ? "" : namespaceLabels.path(ENFORCE).asText("");
        if (!level.equals("baseline") && !level.equals("restricted")) {
            return Optional.empty();
        }
        boolean restricted = level.equals("restricted");
        String version = namespaceLabels.path(ENFORCE_VERSION).asText("latest");
        JsonNode spec = pod.path("spec");
        List<JsonNode> containers = new ArrayList<>();
        spec.path("initContainers").forEach(containers::add);
        spec.path("containers").forEach(containers::add);

        List<String> violations = new ArrayList<>();
        if (restricted) {
            List<String> escalating = names(
                    containers,
                    c -> !c.path("securityContext")
                                    .path("allowPrivilegeEscalation")
                                    .isBoolean()
                            || c.path("securityContext")
                                    .path("allowPrivilegeEscalation")
                                    .asBoolean());
            if (!escalating.isEmpty()) {
                violations.add("allowPrivilegeEscalation != false (" + containers(escalating)
                        + " must set securityContext.allowPrivilegeEscalation=false)");
            }
        }
        capabilities(containers, restricted).ifPresent(violations::add);
        List<String> hostPaths = new ArrayList<>();
        spec.path("volumes").forEach(v -> {
            if (v.has("hostPath")) {
                hostPaths.add(v.path("name").asText());
            }
        });
        if (!hostPaths.isEmpty()) {
            violations.add("hostPath volumes (" + plural("volume", "volumes", hostPaths.size()) + " " + quote(hostPaths)
                    + ")");
        }
        List<String> privileged = names(
                containers, c -> c.path("securityContext").path("privileged").asBoolean(false));
        if (!privileged.isEmpty()) {
            violations.add("privileged (" + containers(privileged) + " must not set securityContext.privileged=true)");
        }
        if (restricted) {
            boolean podNonRoot =
                    spec.path("securityContext").path("runAsNonRoot").asBoolean(false);
            List<String> root = names(containers, c -> {
                JsonNode v = c.path("securityContext").path("runAsNonRoot");
                return v.isBoolean() ? !v.asBoolean() : !podNonRoot;
            });
            if (!root.isEmpty()) {
                violations.add("runAsNonRoot != true (pod or " + containers(root)
                        + " must set securityContext.runAsNonRoot=true)");
            }
            String podSeccomp = spec.path("securityContext")
                    .path("seccompProfile")
                    .path("type")
                    .asText("");
            List<String> unconfined = names(containers, c -> {
                String type = c.path("securityContext")
                        .path("seccompProfile")
                        .path("type")
                        .asText(podSeccomp);
                return !type.equals("RuntimeDefault") && !type.equals("Localhost");
            });
            if (!unconfined.isEmpty()) {
                violations.add("seccompProfile (pod or " + containers(unconfined)
                        + " must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")");
            }
        }
        if (violations.isEmpty()) {
            return Optional.empty();
        }
        String name = pod.path("metadata").path("name").asText("");
        return Optional.of("pods \"" + name + "\" is forbidden: violates PodSecurity \"" + level + ":" + version
                + "\": " + String.join(", ", violations));
    }

    private static Optional<String> capabilities(List<JsonNode> containers, boolean restricted) {
        List<String> adding = new ArrayList<>();
        Set<String> forbidden = new TreeSet<>();
        List<String> missingDrop = new ArrayList<>();
        for (JsonNode c : containers) {
            JsonNode caps = c.path("securityContext").path("capabilities");
            boolean bad = false;
            for (JsonNode add : caps.path("add")) {
                String cap = add.asText();
                boolean allowed = restricted ? cap.equals("NET_BIND_SERVICE") : BASELINE_CAPABILITIES.contains(cap);
                if (!allowed) {
                    forbidden.add(cap);
                    bad = true;
                }
            }
            if (bad) {
                adding.add(c.path("name").asText());
            }
            boolean dropsAll = false;
            for (JsonNode drop : caps.path("drop")) {
                dropsAll |= drop.asText().equals("ALL");
            }
            if (!dropsAll) {
                missingDrop.add(c.path("name").asText());
            }
        }
        String added = adding.isEmpty()
                ? null
                : containers(adding) + " must not include " + quote(List.copyOf(forbidden))
                        + " in securityContext.capabilities.add";
        if (!restricted) {
            return added == null ? Optional.empty() : Optional.of("non-default capabilities (" + added + ")");
        }
        List<String> details = new ArrayList<>();
        if (!missingDrop.isEmpty()) {
            details.add(containers(missingDrop) + " must set securityContext.capabilities.drop=[\"ALL\"]");
        }
        if (added != null) {
            details.add(added);
        }
        return details.isEmpty()
                ? Optional.empty()
                : Optional.of("unrestricted capabilities (" + String.join("; ", details) + ")");
    }

    private static List<String> names(List<JsonNode> containers, java.util.function.Predicate<JsonNode> bad) {
        return containers.stream().filter(bad).map(c -> c.path("name").asText()).toList();
    }

    private static String containers(List<String> names) {
        return plural("container", "containers", names.size()) + " " + quote(names);
    }

    private static String plural(String one, String many, int n) {
        return n == 1 ? one : many;
    }

    private static String quote(List<String> items) {
        return items.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(", "));
    }
}
