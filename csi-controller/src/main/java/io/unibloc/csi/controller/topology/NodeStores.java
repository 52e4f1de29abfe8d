package io.unibloc.csi.controller.topology;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.unibloc.api.v1alpha1.NodeStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * What the node plugins report about their stores. A report older than {@code staleAfter} (a node plugin
 * that stopped) counts as no store at all.
 */
public final class NodeStores {
    private final KubernetesClient client;
    private final Clock clock;
    private final Duration staleAfter;

    public NodeStores(KubernetesClient client, Clock clock, Duration staleAfter) {
        this.client = client;
        this.clock = clock;
        this.staleAfter = staleAfter;
    }

    /** The fresh report of {@code node}, if any. */
    public Optional<NodeStore> fresh(String node) {
        return Optional.ofNullable(
                        client.resources(NodeStore.class).withName(node).get())
                .filter(this::isFresh);
    }

    /** Every fresh report. */
    public List<NodeStore> allFresh() {
        return client.resources(NodeStore.class).list().getItems().stream()
                .filter(this::isFresh)
                .toList();
    }

    public static long free(NodeStore store) {
        Long free = store.getStatus() == null ? null : store.getStatus().getFreeBytes();
        return free == null ? 0 : Math.max(0, free);
    }

    boolean isFresh(NodeStore store) {
        if (store.getStatus() == null || store.getStatus().getUpdatedAt() == null) {
            return false;
        }
        try {
            Instant updated = Instant.parse(store.getStatus().getUpdatedAt());
            return !updated.plus(staleAfter).isBefore(clock.instant());
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
