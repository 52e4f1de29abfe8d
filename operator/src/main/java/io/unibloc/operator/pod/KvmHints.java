package io.unibloc.operator.pod;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.unibloc.api.v1alpha1.NodeStore;
import io.unibloc.api.v1alpha1.NodeStoreStatus;
import io.unibloc.api.wire.NodeLabels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the node plugins found out about KVM, read only when a status needs it: a node's {@code unibloc.io/accel}
 * label, and the NodeStores' {@code KvmUsable} reasons for the {@code NoUsableKvm} message. Unreadable (no
 * permission, API error) means the hint is left out, never a failed reconcile.
 */
final class KvmHints {
    private static final Logger LOG = LoggerFactory.getLogger(KvmHints.class);
    private static final int MAX_NODES_NAMED = 5;

    private KvmHints() {}

    static Optional<String> nodeAccelerator(KubernetesClient client, String nodeName) {
        try {
            Node node = client.nodes().withName(nodeName).get();
            return Optional.ofNullable(node)
                    .map(n -> n.getMetadata().getLabels())
                    .map(l -> l.get(NodeLabels.ACCEL));
        } catch (KubernetesClientException e) {
            LOG.debug("cannot read node={} code={}", nodeName, e.getCode());
            return Optional.empty();
        }
    }

    /** The {@code NoUsableKvm} message: the scheduler's words, each node's reason, and what to do. */
    static String noUsableKvm(
            KubernetesClient client,
            boolean emulationAllowed,
            Map<String, String> podSelector,
            String schedulerMessage) {
        List<String> reasons = new ArrayList<>();
        try {
            for (NodeStore store : client.resources(NodeStore.class).list().getItems()) {
                if (store.getStatus() == null || store.getStatus().getConditions() == null) {
                    continue;
                }
                for (Condition c : store.getStatus().getConditions()) {
                    if (NodeStoreStatus.CONDITION_KVM_USABLE.equals(c.getType())
                            && "False".equals(c.getStatus())
                            && reasons.size() < MAX_NODES_NAMED) {
                        reasons.add(store.getMetadata().getName() + ": " + c.getReason() + ", " + c.getMessage());
                    }
                }
            }
        } catch (KubernetesClientException e) {
            LOG.debug("cannot list NodeStores code={}", e.getCode());
        }
        String nodes = reasons.isEmpty() ? "" : " [" + String.join("; ", reasons) + "]";
        return "no node offers a usable KVM (" + schedulerMessage + ")" + nodes + "; "
                + hint(emulationAllowed, podSelector);
    }

    /**
     * What to do. A Pod admitted under an older RuntimeClass is replaced before this is said, so the RuntimeClass is
     * named only when the Pod, admitted now, still requires KVM although software emulation is allowed.
     */
    static String hint(boolean emulationAllowed, Map<String, String> podSelector) {
        if (!emulationAllowed) {
            return "set sandbox.allowSoftwareEmulation=true to run guests under TCG (many times slower)";
        }
        if (podSelector != null && "true".equals(podSelector.get(NodeLabels.KVM))) {
            return "software emulation is allowed but the Pod's RuntimeClass still selects " + NodeLabels.KVM
                    + "=true; upgrade the chart with sandbox.allowSoftwareEmulation=true so that its RuntimeClass"
                    + " selects " + NodeLabels.NODE + "=true";
        }
        return "software emulation is allowed, so check that the node plugin runs on the nodes (it labels them "
                + NodeLabels.NODE + "=true)";
    }
}
