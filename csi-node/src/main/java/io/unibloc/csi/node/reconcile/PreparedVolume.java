package io.unibloc.csi.node.reconcile;

import io.unibloc.api.v1alpha1.BlockVolumeTimings;
import io.unibloc.blockstore.BlockStore;

/** A volume the store has built, with how long pulling and building took. */
record PreparedVolume(BlockStore.Volume volume, BlockVolumeTimings timings) {}
