package io.unibloc.api.v1alpha1;

/** Where a {@link BlockVolume} is on its way to a usable block device. */
public enum BlockVolumePhase {
    /** Recorded; the node plugin has not picked it up yet. */
    Pending,
    /** The node plugin pulls, builds or clones. */
    Preparing,
    /** The clone exists; NodeStageVolume can attach it. */
    Ready,
    /** A permanent failure; {@code status.message} says why. Retryable trouble stays in Preparing. */
    Failed
}
