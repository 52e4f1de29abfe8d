package io.unibloc.operator.pod;

import java.util.List;

/**
 * The {@code NoUsableKvm} message: the scheduler's words, what the node plugins found out about KVM on each node
 * (the NodeStores' {@code KvmUsable} reasons, read from {@link ClusterReads}' cache), and what to do.
 */
final class KvmHints {
    static final int MAX_NODES_NAMED = 5;

    private KvmHints() {}

    static String noUsableKvm(List<String> nodeReasons, boolean emulationAllowed, String schedulerMessage) {
        String nodes = nodeReasons.isEmpty() ? "" : " [" + String.join("; ", nodeReasons) + "]";
        String hint = emulationAllowed
                ? "software emulation is allowed, so check that the node plugin runs on the nodes and that the"
                        + " RuntimeClass selects unibloc.io/node=true"
                : "set sandbox.allowSoftwareEmulation=true to run guests under TCG (many times slower)";
        return "no node offers a usable KVM (" + schedulerMessage + ")" + nodes + "; " + hint;
    }
}
