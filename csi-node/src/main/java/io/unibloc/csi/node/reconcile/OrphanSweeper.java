package io.unibloc.csi.node.reconcile;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.unibloc.api.v1alpha1.BlockVolume;
import io.unibloc.blockstore.BlockStore;
import io.unibloc.csi.node.volume.VolumeLocks;
import io.unibloc.types.StoreException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frees volumes in the store that no BlockVolume record of this node owns (left by a crash between the
 * record's removal and the store's, or by records removed by force), then lets the store sweep its own
 * orphans (half-built chains) and evict unused images beyond the cache budget. An attached orphan is
 * never touched: a guest may be using it. Ephemeral volumes are swept too: a forgotten record would pin its
 * chain forever.
 */
final class OrphanSweeper {
    private static final Logger LOG = LoggerFactory.getLogger(OrphanSweeper.class);
    private final KubernetesClient client;
    private final BlockStore store;
    private final String node;
    private final VolumeLocks locks;
    private final long cacheBudgetBytes;

    OrphanSweeper(KubernetesClient client, BlockStore store, String node, VolumeLocks locks, long cacheBudgetBytes) {
        this.client = client;
        this.store = store;
        this.node = node;
        this.locks = locks;
        this.cacheBudgetBytes = cacheBudgetBytes;
    }

    /** @param owned the names of this node's records as the synced informer sees them */
    int sweep(List<String> owned) {
        Set<String> known = new HashSet<>(owned);
        int freed = 0;
        for (BlockStore.Volume volume : store.listVolumes()) {
            if (!known.contains(volume.id()) && freeIfUnowned(volume.id())) {
                freed++;
            }
        }
        BlockStore.GcReport report = store.gc(new BlockStore.GcPolicy(cacheBudgetBytes, true));
        if (freed > 0 || report.orphansSwept() > 0 || report.chainsRemoved() > 0) {
            LOG.info(
                    "swept node={} volumesFreed={} storeOrphans={} chainsRemoved={} blobsRemoved={} bytesFreed={}",
                    node,
                    freed,
                    report.orphansSwept(),
                    report.chainsRemoved(),
                    report.blobsRemoved(),
                    report.bytesFreed());
        }
        return freed;
    }

    /** Deletes {@code volumeId} from the store when the API server confirms no record of this node owns it and it is detached. */
    boolean freeIfUnowned(String volumeId) {
        return locks.with(volumeId, () -> {
            BlockVolume record =
                    client.resources(BlockVolume.class).withName(volumeId).get();
            if (record != null && node.equals(record.getSpec().getNode())) {
                return false;
            }
            var stored = store.findVolume(volumeId);
            if (stored.isEmpty()) {
                return false;
            }
            Optional<String> device = stored.get().device();
            if (device.isPresent()) {
                LOG.warn("orphan volume is attached; leaving it volume={} device={}", volumeId, device.get());
                return false;
            }
            try {
                store.deleteVolume(volumeId);
                LOG.info("freed orphan volume={}", volumeId);
                return true;
            } catch (StoreException e) {
                LOG.warn("cannot free orphan volume={} kind={} message={}", volumeId, e.kind(), e.getMessage());
                return false;
            }
        });
    }
}
