package io.unibloc.csi.node.kvm;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.unibloc.csi.common.CsiNames;
import java.util.HashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sets the label {@code unibloc.io/kvm=true|false} on this node, which the RuntimeClass {@code unibloc-kvm} selects on. */
public final class NodeLabeler {
    private static final Logger LOG = LoggerFactory.getLogger(NodeLabeler.class);
    private final KubernetesClient client;
    private final String node;

    public NodeLabeler(KubernetesClient client, String node) {
        this.client = client;
        this.node = node;
    }

    /** Returns false when the Node object does not exist (standalone runs) or cannot be patched; never throws. */
    public boolean label(boolean kvm) {
        String value = Boolean.toString(kvm);
        try {
            Node current = client.nodes().withName(node).get();
            if (current == null) {
                LOG.warn("cannot label node={}: no such Node", node);
                return false;
            }
            if (current.getMetadata().getLabels() != null && value.equals(current.getMetadata().getLabels().get(CsiNames.KVM_LABEL))) {
                return true;
            }
            client.nodes().withName(node).edit(n -> {
                if (n.getMetadata().getLabels() == null) {
                    n.getMetadata().setLabels(new HashMap<>());
                }
                n.getMetadata().getLabels().put(CsiNames.KVM_LABEL, value);
                return n;
            });
            LOG.info("labelled node={} {}={}", node, CsiNames.KVM_LABEL, value);
            return true;
        } catch (KubernetesClientException e) {
            LOG.warn("cannot label node={} message={}", node, e.getMessage());
            return false;
        }
    }
}
