package io.unibloc.operator.pod;

import io.unibloc.api.wire.NodeLabels;
import java.util.List;
import java.util.Map;

/**
 * The {@code NoUsableKvm} message: the scheduler's words, what the node plugins found out about KVM on each node
 * (the NodeStores' {@code KvmUsable} reasons, read from {@link ClusterReads}' cache), and what to do.
 */
final class KvmHints {
    static final int MAX_NODES_NAMED = 5;

    private KvmHints() {}

    /** @param podSelector the Pod's node selector as admitted (with its RuntimeClass's), or {@code null} */
    static String noUsableKvm(
            List<String> nodeReasons,
            boolean emulationAllowed,
            Map<String, String> podSelector,
            String schedulerMessage) {
        String nodes = nodeReasons.isEmpty() ? "" : " [" + String.join("; ", nodeReasons) + "]";
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
