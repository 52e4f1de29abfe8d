package io.unibloc.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * What kube-apiserver's RuntimeClass admission plugin does to a Pod at creation (plugin/pkg/admission/runtimeclass):
 * merges {@code scheduling.nodeSelector} into the Pod's, refusing a key the Pod already sets to another value;
 * appends {@code scheduling.tolerations} the Pod does not already carry; sets {@code spec.overhead} from
 * {@code overhead.podFixed}, refusing a Pod that brings a different one. The Pod is changed in place.
 */
final class RuntimeClassAdmission {
    private RuntimeClassAdmission() {}

    /** @return the refusal ("conflict: ...", for a 403), or {@code null} when the Pod was admitted */
    static String admit(ObjectNode pod, JsonNode runtimeClass) {
        if (runtimeClass == null) {
            return null;
        }
        ObjectNode spec = pod.with("spec");
        JsonNode overhead = runtimeClass.path("overhead").path("podFixed");
        if (overhead.isObject()) {
            if (spec.has("overhead") && !spec.get("overhead").equals(overhead)) {
                return "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead";
            }
            spec.set("overhead", overhead.deepCopy());
        }
        JsonNode scheduling = runtimeClass.path("scheduling");
        JsonNode selector = scheduling.path("nodeSelector");
        if (selector.isObject() && selector.size() > 0) {
            ObjectNode podSelector = spec.with("nodeSelector");
            for (Iterator<Map.Entry<String, JsonNode>> it = selector.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode have = podSelector.get(e.getKey());
                if (have != null && !have.asText().equals(e.getValue().asText())) {
                    return "conflict: runtimeClass.scheduling.nodeSelector[" + e.getKey() + "] = "
                            + e.getValue().asText() + "; pod.spec.nodeSelector[" + e.getKey() + "] = " + have.asText();
                }
                podSelector.put(e.getKey(), e.getValue().asText());
            }
        }
        JsonNode tolerations = scheduling.path("tolerations");
        if (tolerations.isArray() && tolerations.size() > 0) {
            ArrayNode podTolerations = spec.withArray("tolerations");
            for (JsonNode t : tolerations) {
                boolean present = false;
                for (JsonNode have : podTolerations) {
                    present |= have.equals(t);
                }
                if (!present) {
                    podTolerations.add(t.deepCopy());
                }
            }
        }
        return null;
    }
}
