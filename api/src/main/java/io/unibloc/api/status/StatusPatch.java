package io.unibloc.api.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a resource's status with a JSON merge patch ({@code application/merge-patch+json}) to its
 * {@code /status} subresource. A real API server accepts it whatever the stored object holds (no status at all,
 * a status written by an older version), unlike an RFC 6902 patch whose {@code add /status/x} needs
 * {@code /status} to exist. Lists (conditions) are replaced as a whole; a member that {@code current} has and
 * {@code target} lacks is sent as {@code null}, which removes it. No resourceVersion is sent: each status has one
 * writer, so the last write wins.
 */
public final class StatusPatch {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private StatusPatch() {}

    /** The patch body {@code {"status": target}}, with {@code null} for whatever of {@code current} {@code target} drops. */
    public static String body(Object current, Object target) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        JsonNode next = tree(target);
        root.set("status", withRemovals(tree(current), next));
        return root.toString();
    }

    /**
     * Patches the status of {@code resource} (found by its kind, namespace and name) from {@code current} (what
     * was read) to {@code target}; returns the object as the server stores it afterwards. Errors: the client's
     * exceptions (404 when the resource is gone).
     */
    @SuppressWarnings("unchecked")
    public static <T extends HasMetadata> T apply(KubernetesClient client, T resource, Object current, Object target) {
        var kind = client.resources((Class<T>) resource.getClass());
        String namespace = resource.getMetadata().getNamespace();
        // By the object, not by name: a patch by name makes the client GET the object first (one more request per
        // status write); the object only names what to patch, its resourceVersion is not sent.
        var named = namespace == null
                ? kind.resource(resource)
                : kind.inNamespace(namespace).resource(resource);
        return named.subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), body(current, target));
    }

    /** A deep copy of a status object, to edit while the original stays as read. */
    public static <S> S copy(S status) {
        return status == null ? null : SERIALIZATION.clone(status);
    }

    private static JsonNode tree(Object value) {
        return value == null ? JsonNodeFactory.instance.nullNode() : SERIALIZATION.convertValue(value, JsonNode.class);
    }

    /** {@code target}, plus an explicit {@code null} for every member of {@code current} that it lacks (objects only, recursively). */
    private static JsonNode withRemovals(JsonNode current, JsonNode target) {
        if (!current.isObject() || !target.isObject()) {
            return target;
        }
        ObjectNode out = ((ObjectNode) target).deepCopy();
        List<String> names = new ArrayList<>();
        current.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            if (!out.has(name)) {
                out.putNull(name);
            } else {
                out.set(name, withRemovals(current.get(name), out.get(name)));
            }
        }
        return out;
    }
}
