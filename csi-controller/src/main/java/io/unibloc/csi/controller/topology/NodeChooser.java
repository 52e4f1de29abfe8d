package io.unibloc.csi.controller.topology;

import csi.v1.Csi;
import io.grpc.Status;
import io.unibloc.api.v1alpha1.NodeStore;
import io.unibloc.csi.common.CsiNames;
import io.unibloc.csi.common.grpc.CsiErrors;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Picks the node of a new volume. With WaitForFirstConsumer the scheduler's choice is the first preferred
 * segment, and it wins. Otherwise the requisite nodes, then (no requirements at all, as conformance suites
 * call it) every node, are ranked by free bytes in their fresh store report.
 */
public final class NodeChooser {
    private final NodeStores stores;

    public NodeChooser(NodeStores stores) {
        this.stores = stores;
    }

    /**
     * The chosen node. INVALID_ARGUMENT when requirements are given but none names a node by
     * {@value CsiNames#TOPOLOGY_KEY}; RESOURCE_EXHAUSTED (retryable for the provisioner) when no node reports a store.
     */
    public String choose(Csi.TopologyRequirement requirement) {
        if (requirement != null && (requirement.getPreferredCount() > 0 || requirement.getRequisiteCount() > 0)) {
            Optional<String> preferred =
                    nodes(requirement.getPreferredList()).stream().findFirst();
            if (preferred.isPresent()) {
                return preferred.get();
            }
            Set<String> requisite = nodes(requirement.getRequisiteList());
            if (requisite.isEmpty()) {
                throw CsiErrors.invalid(
                        "accessibility_requirements", "no segment names a node by " + CsiNames.TOPOLOGY_KEY);
            }
            return best(stores.allFresh().stream()
                            .filter(s -> requisite.contains(s.getMetadata().getName()))
                            .toList())
                    .orElse(requisite.iterator().next());
        }
        return best(stores.allFresh())
                .orElseThrow(() -> Status.RESOURCE_EXHAUSTED
                        .withDescription(
                                "no node reports a unibloc block store (no fresh NodeStore); is the node plugin running?")
                        .asRuntimeException());
    }

    private static Optional<String> best(List<NodeStore> candidates) {
        return candidates.stream()
                .max(Comparator.comparingLong(NodeStores::free)
                        .thenComparing(s -> s.getMetadata().getName(), Comparator.reverseOrder()))
                .map(s -> s.getMetadata().getName());
    }

    private static Set<String> nodes(List<Csi.Topology> segments) {
        Set<String> out = new LinkedHashSet<>();
        for (Csi.Topology t : segments) {
            String node = t.getSegmentsMap().get(CsiNames.TOPOLOGY_KEY);
            if (node != null && !node.isBlank()) {
                out.add(node);
            }
        }
        return out;
    }
}
