package io.unibloc.operator.image;

import io.fabric8.kubernetes.api.model.Node;
import io.unibloc.api.v1alpha1.NodeStore;
import io.unibloc.api.v1alpha1.NodeStoreImage;
import io.unibloc.api.v1alpha1.NodeStoreImagePhase;
import io.unibloc.api.v1alpha1.UnikernelImage;
import io.unibloc.registry.RegistryException;
import io.unibloc.registry.ref.ImageReference;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which nodes a UnikernelImage selects (a NodeStore exists for the node and the node's labels match
 * {@code spec.nodeSelector}) and which of them report it prepared: an entry for this UnikernelImage in
 * the NodeStore's {@code status.images}, phase Ready, for the digest the operator pinned.
 */
record NodeReadiness(List<String> selected, List<String> ready, List<String> pending, Optional<String> failure) {

    static NodeReadiness of(
            UnikernelImage uki, String pinnedImage, Collection<NodeStore> stores, Map<String, Node> nodes) {
        Map<String, String> selector = uki.getSpec().getNodeSelector() == null
                ? Map.of()
                : uki.getSpec().getNodeSelector();
        TreeMap<String, NodeStore> byNode = new TreeMap<>();
        for (NodeStore store : stores) {
            Node node = nodes.get(store.getMetadata().getName());
            if (node != null && matches(node, selector)) {
                byNode.put(store.getMetadata().getName(), store);
            }
        }
        List<String> ready = new ArrayList<>();
        List<String> pending = new ArrayList<>();
        Optional<String> failure = Optional.empty();
        for (Map.Entry<String, NodeStore> e : byNode.entrySet()) {
            Optional<NodeStoreImage> entry = entryFor(e.getValue(), uki);
            if (entry.isPresent()
                    && entry.get().getPhase() == NodeStoreImagePhase.Ready
                    && sameDigest(entry.get().getPinnedImage(), pinnedImage)) {
                ready.add(e.getKey());
            } else {
                pending.add(e.getKey());
                if (failure.isEmpty() && entry.isPresent() && entry.get().getPhase() == NodeStoreImagePhase.Failed) {
                    failure = Optional.of(
                            "node " + e.getKey() + ": " + entry.get().getMessage());
                }
            }
        }
        return new NodeReadiness(List.copyOf(byNode.keySet()), ready, pending, failure);
    }

    private static boolean matches(Node node, Map<String, String> selector) {
        Map<String, String> labels = node.getMetadata().getLabels() == null
                ? Map.of()
                : node.getMetadata().getLabels();
        return selector.entrySet().stream().allMatch(s -> Objects.equals(labels.get(s.getKey()), s.getValue()));
    }

    private static Optional<NodeStoreImage> entryFor(NodeStore store, UnikernelImage uki) {
        if (store.getStatus() == null || store.getStatus().getImages() == null) {
            return Optional.empty();
        }
        return store.getStatus().getImages().stream()
                .filter(i -> uki.getMetadata().getName().equals(i.getName())
                        && uki.getMetadata().getNamespace().equals(i.getNamespace()))
                .findFirst();
    }

    private static boolean sameDigest(String reported, String pinned) {
        if (reported == null || pinned == null) {
            return false;
        }
        try {
            return Objects.equals(
                    ImageReference.parse(reported).digest(),
                    ImageReference.parse(pinned).digest());
        } catch (RegistryException e) {
            return false;
        }
    }
}
