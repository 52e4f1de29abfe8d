/**
 * The node's half of the BlockVolume contract: an informer on the records of this node only, a keyed work
 * queue (one worker per volume at a time, retries with back-off), preparation through the block store with
 * phase and timings in the status, the storage finalizer, and the sweep of clones no record owns.
 */
package io.unibloc.csi.node.reconcile;
