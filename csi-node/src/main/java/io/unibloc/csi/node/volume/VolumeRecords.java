package io.unibloc.csi.node.volume;

import io.unibloc.api.v1alpha1.BlockVolume;
import java.util.Optional;

/** The node's view of its BlockVolume records (the reconciler's informer cache, falling back to the API server). */
@FunctionalInterface
public interface VolumeRecords {
    /** The record named {@code volumeId}, if it exists (including records being deleted). */
    Optional<BlockVolume> get(String volumeId);
}
