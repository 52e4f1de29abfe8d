package io.unibloc.e2e.chart;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Finds fields that fabric8's typed model did not recognise. fabric8 never rejects an unknown field: it parks it in
 * the object's {@code additionalProperties}. A misspelt or mis-indented key in a template ({@code securityContex},
 * {@code mountPropagation} one level too deep) therefore parses fine and is silently dropped by the API server;
 * walking the parsed tree and collecting every non-empty {@code additionalProperties} catches it.
 */
final class UnknownFields {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String MODEL_PACKAGE = "io.fabric8.kubernetes.api.model";

    private UnknownFields() {}

    /** Paths such as {@code spec.template.spec.containers[0]: [securityContex]}; empty when every field is known. */
    static List<String> in(Object root) {
        List<String> found = new ArrayList<>();
        walk(root, "", found);
        return found;
    }

    private static void walk(Object value, String path, List<String> found) {
        if (value == null || value instanceof GenericKubernetesResource) {
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(v, path + "." + k, found));
            return;
        }
        if (value instanceof Collection<?> collection) {
            int i = 0;
            for (Object element : collection) {
                walk(element, path + "[" + i++ + "]", found);
            }
            return;
        }
        if (!value.getClass().getPackageName().startsWith(MODEL_PACKAGE)) {
            return;
        }
        Map<?, ?> additional = additionalProperties(value);
        if (!additional.isEmpty()) {
            found.add((path.isEmpty() ? "<root>" : path.substring(1)) + ": " + additional.keySet());
        }
        BeanDescription description =
                MAPPER.getSerializationConfig().introspect(MAPPER.constructType(value.getClass()));
        for (BeanPropertyDefinition property : description.findProperties()) {
            AnnotatedMember accessor = property.getAccessor();
            if (accessor != null) {
                walk(accessor.getValue(value), path + "." + property.getName(), found);
            }
        }
    }

    private static Map<?, ?> additionalProperties(Object value) {
        try {
            Method getter = value.getClass().getMethod("getAdditionalProperties");
            Object result = getter.invoke(value);
            return result instanceof Map<?, ?> map ? map : Map.of();
        } catch (NoSuchMethodException e) {
            return Map.of();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(
                    "cannot read additionalProperties of " + value.getClass().getName(), e);
        }
    }
}
