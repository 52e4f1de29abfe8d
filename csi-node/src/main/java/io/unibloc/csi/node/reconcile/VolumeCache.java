package io.unibloc.csi.node.reconcile;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.unibloc.api.v1alpha1.BlockVolume;
import io.unibloc.csi.node.volume.VolumeRecords;
import java.util.List;
import java.util.Optional;

/**
 * This node's BlockVolume records as the controller's informer holds them (JOSDK's primary cache, handed over when
 * the controller is registered), falling back to the API server for a record the cache does not have (yet).
 */
final class VolumeCache implements VolumeRecords {
    private final KubernetesClient client;
    private volatile IndexerResourceCache<BlockVolume> cache;

    VolumeCache(KubernetesClient client) {
        this.client = client;
    }

    /** Called once by the reconciler when JOSDK prepares its event sources. */
    void attach(IndexerResourceCache<BlockVolume> primary) {
        this.cache = primary;
    }

    @Override
    public Optional<BlockVolume> get(String name) {
        IndexerResourceCache<BlockVolume> primary = cache;
        if (primary != null) {
            Optional<BlockVolume> cached = primary.get(new ResourceID(name));
            if (cached.isPresent()) {
                return cached;
            }
        }
        return fresh(name);
    }

    @Override
    public Optional<BlockVolume> fresh(String name) {
        return Optional.ofNullable(
                client.resources(BlockVolume.class).withName(name).get());
    }

    /** The names of the records in the cache (empty before the controller is registered). */
    List<String> names() {
        IndexerResourceCache<BlockVolume> primary = cache;
        return primary == null
                ? List.of()
                : primary.keys().map(ResourceID::getName).toList();
    }
}
