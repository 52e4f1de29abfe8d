package io.unibloc.csi.node.kvm;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.unibloc.api.wire.NodeLabels;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Labels this node for the RuntimeClasses and the operator: {@code unibloc.io/kvm=true|false} (RuntimeClass
 * {@code unibloc-kvm} selects on it when KVM is required), {@code unibloc.io/accel=kvm|tcg} (what guests here run
 * under) and {@code unibloc.io/node=true} (the node plugin runs here; the selector when software emulation is
 * allowed).
 */
public final class NodeLabeler {
    private static final Logger LOG = LoggerFactory.getLogger(NodeLabeler.class);
    private final KubernetesClient client;
    private final String node;

    public NodeLabeler(KubernetesClient client, String node) {
        this.client = client;
        this.node = node;
    }

    /** The labels a node with this answer carries. */
    public static Map<String, String> labels(KvmState state) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(NodeLabels.KVM, Boolean.toString(state.usable()));
        labels.put(NodeLabels.ACCEL, state.accel());
        labels.put(NodeLabels.NODE, "true");
        return labels;
    }

    /** Returns false when the Node object does not exist (standalone runs) or cannot be patched; never throws. */
    public boolean label(KvmState state) {
        Map<String, String> wanted = labels(state);
        try {
            Node current = client.nodes().withName(node).get();
            if (current == null) {
                LOG.warn("cannot label node={}: no such Node", node);
                return false;
            }
            Map<String, String> have = current.getMetadata().getLabels() == null
                    ? Map.of()
                    : current.getMetadata().getLabels();
            if (wanted.entrySet().stream().allMatch(e -> Objects.equals(e.getValue(), have.get(e.getKey())))) {
                return true;
            }
            client.nodes().withName(node).edit(n -> {
                if (n.getMetadata().getLabels() == null) {
                    n.getMetadata().setLabels(new HashMap<>());
                }
                n.getMetadata().getLabels().putAll(wanted);
                return n;
            });
            LOG.info("labelled node={} labels={}", node, wanted);
            return true;
        } catch (KubernetesClientException e) {
            LOG.warn("cannot label node={} message={}", node, e.getMessage());
            return false;
        }
    }
}
