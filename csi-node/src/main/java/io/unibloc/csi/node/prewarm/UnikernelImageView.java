package io.unibloc.csi.node.prewarm;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The fields of a UnikernelImage the node plugin needs, read from the generic resource: {@code spec.image},
 * {@code spec.fsType}, {@code spec.nodeSelector}, {@code spec.imagePullSecrets[].name} and
 * {@code status.pinnedImage}.
 */
record UnikernelImageView(String reference, String fsType, Map<String, String> nodeSelector, List<String> pullSecrets) {

    static UnikernelImageView of(GenericKubernetesResource r) {
        Map<String, Object> props = r.getAdditionalProperties();
        Map<?, ?> spec = props.get("spec") instanceof Map<?, ?> m ? m : Map.of();
        Map<?, ?> status = props.get("status") instanceof Map<?, ?> m ? m : Map.of();
        String pinned = status.get("pinnedImage") instanceof String s && !s.isBlank() ? s : null;
        String image = pinned != null ? pinned : spec.get("image") instanceof String s ? s : null;
        String fsType = spec.get("fsType") instanceof String s && !s.isBlank() ? s : "ext4";
        Map<String, String> selector = new java.util.HashMap<>();
        if (spec.get("nodeSelector") instanceof Map<?, ?> sel) {
            sel.forEach((k, v) -> selector.put(String.valueOf(k), String.valueOf(v)));
        }
        List<String> secrets = new ArrayList<>();
        if (spec.get("imagePullSecrets") instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> ref && ref.get("name") instanceof String name) {
                    secrets.add(name);
                }
            }
        }
        return new UnikernelImageView(image, fsType, Map.copyOf(selector), List.copyOf(secrets));
    }

    /** An empty selector selects every node; an image without a reference selects none. */
    boolean selects(Map<String, String> labels) {
        return reference != null
                && nodeSelector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }
}
