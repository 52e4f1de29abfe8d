/**
 * The node's half of the BlockVolume contract, on the Java Operator SDK: a JOSDK controller whose informer sees the
 * records of this node only, preparation (pull + build, through the block store) on its own bounded pool that wakes
 * the record when done, phase, timings and the Ready condition (reasons from the API's {@code BlockVolumeReasons})
 * in the status subresource, the storage finalizer through JOSDK's {@code Cleaner}, JOSDK's back-off for retries,
 * and the sweep of volumes no record owns on its own scheduler.
 */
package io.unibloc.csi.node.reconcile;
