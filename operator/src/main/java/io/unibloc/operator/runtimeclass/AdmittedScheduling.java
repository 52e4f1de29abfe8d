package io.unibloc.operator.runtimeclass;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Whether a Pod's scheduling, as admission fixed it, is stale. The API server copies the RuntimeClass's
 * {@code scheduling.nodeSelector} and tolerations into a Pod once, at creation; a later change of the RuntimeClass
 * (a chart upgrade with {@code sandbox.allowSoftwareEmulation=true} turns {@code unibloc.io/kvm=true} into
 * {@code unibloc.io/node=true}) never reaches a Pod already admitted, which may then stay Pending for ever.
 *
 * <p>Stale means: the Pod is not scheduled and the scheduler called it Unschedulable, and either a node selector
 * entry or a toleration the RuntimeClass asks for now is missing from the Pod, or the Pod carries a
 * {@code unibloc.io/} selector entry that neither the UnikernelPod nor the RuntimeClass asks for any more. Only the
 * project's own label domain counts as extra, so a selector that another admission plugin adds (a namespace's
 * default node selector) never makes every new Pod look stale; and only unschedulable Pods are replaced, so a Pod
 * that runs is never restarted for it.
 */
public final class AdmittedScheduling {
    static final String OWN_LABEL_DOMAIN = "unibloc.io/";

    private AdmittedScheduling() {}

    /**
     * @param specSelector the UnikernelPod's own {@code nodeSelector} (part of the Pod as written), or {@code null}
     * @return why the Pod must be replaced, or empty when it is not stale (or nothing can be said)
     */
    public static Optional<String> stale(Pod pod, Map<String, String> specSelector, RuntimeClasses.Lookup lookup) {
        if (!unschedulableNow(pod) || !(lookup instanceof RuntimeClasses.Lookup.Found found)) {
            return Optional.empty();
        }
        RuntimeClass rc = found.runtimeClass();
        Map<String, String> wantedByClass =
                rc.getScheduling() == null || rc.getScheduling().getNodeSelector() == null
                        ? Map.of()
                        : rc.getScheduling().getNodeSelector();
        List<Toleration> tolerationsByClass =
                rc.getScheduling() == null || rc.getScheduling().getTolerations() == null
                        ? List.of()
                        : rc.getScheduling().getTolerations();
        Map<String, String> spec = specSelector == null ? Map.of() : specSelector;
        Map<String, String> admitted = pod.getSpec().getNodeSelector() == null
                ? Map.of()
                : pod.getSpec().getNodeSelector();
        List<Toleration> podTolerations = pod.getSpec().getTolerations() == null
                ? List.of()
                : pod.getSpec().getTolerations();

        List<String> differences = new ArrayList<>();
        wantedByClass.forEach((key, value) -> {
            if (!Objects.equals(value, admitted.get(key))) {
                differences.add("RuntimeClass " + name(rc) + " now selects " + key + "=" + value);
            }
        });
        new TreeMap<>(admitted).forEach((key, value) -> {
            if (key.startsWith(OWN_LABEL_DOMAIN) && !wantedByClass.containsKey(key) && !spec.containsKey(key)) {
                differences.add("the Pod still selects " + key + "=" + value + ", which RuntimeClass " + name(rc)
                        + " no longer asks for");
            }
        });
        for (Toleration t : tolerationsByClass) {
            if (!podTolerations.contains(t)) {
                differences.add("RuntimeClass " + name(rc) + " now tolerates " + describe(t));
            }
        }
        if (differences.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("it was admitted under an older RuntimeClass and cannot be scheduled ("
                + String.join("; ", differences) + ")");
    }

    /**
     * Not bound to a node, and the scheduler said Unschedulable (not merely: not tried yet); the cheap test to make
     * before looking the RuntimeClass up.
     */
    public static boolean unschedulableNow(Pod pod) {
        if (pod.getSpec() == null
                || pod.getSpec().getNodeName() != null
                || pod.getMetadata().getDeletionTimestamp() != null
                || pod.getStatus() == null
                || pod.getStatus().getConditions() == null) {
            return false;
        }
        String phase = pod.getStatus().getPhase();
        if (phase != null && !"Pending".equals(phase)) {
            return false;
        }
        for (PodCondition c : pod.getStatus().getConditions()) {
            if ("PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())) {
                return "Unschedulable".equals(c.getReason());
            }
        }
        return false;
    }

    private static String name(RuntimeClass rc) {
        return rc.getMetadata().getName();
    }

    private static String describe(Toleration t) {
        return (t.getKey() == null ? "*" : t.getKey())
                + (t.getValue() == null ? "" : "=" + t.getValue())
                + (t.getEffect() == null ? "" : ":" + t.getEffect());
    }
}
