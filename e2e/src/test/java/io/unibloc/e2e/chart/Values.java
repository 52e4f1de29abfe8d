package io.unibloc.e2e.chart;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A named set of chart values, written as dotted paths ({@code "csiNode.store.size" -> "5Gi"}) and turned into the
 * nested map a values file holds. The name shows up in parameterised test names.
 */
public record Values(String name, Map<String, Object> nested) {

    public static Values defaults() {
        return new Values("defaults", Map.of());
    }

    /**
     * @param pathsAndValues alternating dotted path and value (String, Boolean, Number, List or Map)
     * @throws IllegalArgumentException on an odd number of arguments or a path that is not a String
     */
    public static Values of(String name, Object... pathsAndValues) {
        if (pathsAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("values " + name + ": paths and values must alternate");
        }
        Map<String, Object> root = new LinkedHashMap<>();
        for (int i = 0; i < pathsAndValues.length; i += 2) {
            if (!(pathsAndValues[i] instanceof String path)) {
                throw new IllegalArgumentException("values " + name + ": path #" + i / 2 + " is not a String");
            }
            put(root, path, pathsAndValues[i + 1]);
        }
        return new Values(name, root);
    }

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> root, String path, Object value) {
        String[] keys = path.split("\\.");
        Map<String, Object> map = root;
        for (int i = 0; i < keys.length - 1; i++) {
            map = (Map<String, Object>) map.computeIfAbsent(keys[i], k -> new LinkedHashMap<String, Object>());
        }
        map.put(keys[keys.length - 1], value);
    }

    @Override
    public String toString() {
        return name;
    }
}
