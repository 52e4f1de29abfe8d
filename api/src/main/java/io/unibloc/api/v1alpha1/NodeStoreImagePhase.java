package io.unibloc.api.v1alpha1;

/** Pre-warming state of one image on one node. */
public enum NodeStoreImagePhase {
    /** Selected for this node; not started yet. */
    Pending,
    /** Pulling or building its chain images. */
    Preparing,
    /** Every chain image exists: volumes of it are O(1) clones. */
    Ready,
    /** Could not be prepared; {@code message} says why. Retried with back-off. */
    Failed
}
