package io.unibloc.csi.controller.topology;

import csi.v1.Csi;
import io.unibloc.api.v1alpha1.NodeStore;
import io.unibloc.csi.common.CsiNames;
import java.util.List;

/**
 * GetCapacity from the node reports: a node segment gets that node's free bytes (0 when its report is
 * missing or stale); no topology gets the sum over all fresh nodes, with the largest single node as the
 * maximum volume size (a volume never spans nodes).
 */
public final class CapacityReport {
    private final NodeStores stores;

    public CapacityReport(NodeStores stores) {
        this.stores = stores;
    }

    public Csi.GetCapacityResponse capacity(Csi.Topology topology) {
        if (topology != null && topology.getSegmentsCount() > 0) {
            String node = topology.getSegmentsMap().get(CsiNames.TOPOLOGY_KEY);
            long free =
                    node == null ? 0 : stores.fresh(node).map(NodeStores::free).orElse(0L);
            return response(free, free);
        }
        List<NodeStore> all = stores.allFresh();
        long sum = all.stream().mapToLong(NodeStores::free).sum();
        long max = all.stream().mapToLong(NodeStores::free).max().orElse(0);
        return response(sum, max);
    }

    private static Csi.GetCapacityResponse response(long available, long maximum) {
        return Csi.GetCapacityResponse.newBuilder()
                .setAvailableCapacity(available)
                .setMaximumVolumeSize(com.google.protobuf.Int64Value.of(maximum))
                .build();
    }
}
