/** Per-volume coordination on one node: the lock every volume operation takes, and the node's view of its BlockVolume records. */
package io.unibloc.csi.node.volume;
