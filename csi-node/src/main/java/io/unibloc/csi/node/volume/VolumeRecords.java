package io.unibloc.csi.node.volume;

import io.unibloc.api.v1alpha1.BlockVolume;
import java.util.Optional;

/** The node's view of its BlockVolume records (the reconciler's informer cache, falling back to the API server). */
@FunctionalInterface
public interface VolumeRecords {
    /** The record named {@code volumeId}, if it exists (including records being deleted). */
    Optional<BlockVolume> get(String volumeId);

    /** The record as the API server has it now, bypassing any cache (when the cached one looks stale). */
    default Optional<BlockVolume> fresh(String volumeId) {
        return get(volumeId);
    }
}
