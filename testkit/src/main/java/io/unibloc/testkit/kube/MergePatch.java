package io.unibloc.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** RFC 7386 JSON merge patch as the API server applies it: objects merge, {@code null} removes, anything else replaces. */
final class MergePatch {
    private MergePatch() {}

    static JsonNode apply(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        ObjectNode out = target != null && target.isObject()
                ? ((ObjectNode) target).deepCopy()
                : ((ObjectNode) patch).objectNode();
        List<String> names = new ArrayList<>();
        patch.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            JsonNode value = patch.get(name);
            if (value.isNull()) {
                out.remove(name);
            } else {
                out.set(name, apply(out.get(name), value));
            }
        }
        return out;
    }
}
