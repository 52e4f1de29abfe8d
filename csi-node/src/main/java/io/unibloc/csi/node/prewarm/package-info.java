/**
 * Pre-warming: the chain images of every UnikernelImage that selects this node are built ahead of time,
 * so that volumes of it are O(1) clones; per-image readiness goes into the node's NodeStore.
 */
package io.unibloc.csi.node.prewarm;
