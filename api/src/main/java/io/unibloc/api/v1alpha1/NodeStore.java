package io.unibloc.api.v1alpha1;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * What one node's block store holds and can still take (cluster-scoped; name = node name). Written only
 * by that node's CSI plugin; read by the CSI controller for capacity and node choice, and by the operator
 * for pre-warming readiness of {@code UnikernelImage}s.
 */
@Group(BlockVolume.GROUP)
@Version(BlockVolume.VERSION)
@Singular("nodestore")
@Plural("nodestores")
// Cluster-scoped: deliberately does not implement Namespaced.
public class NodeStore extends CustomResource<NodeStoreSpec, NodeStoreStatus> {

    @Override
    protected NodeStoreSpec initSpec() {
        return new NodeStoreSpec();
    }
}
