/**
 * Names every unibloc CSI component agrees on (driver name, topology key, StorageClass parameters) and the
 * mapping from CSI request names to volume ids. Shared by csi-controller and csi-node, which stay separate
 * deployables.
 */
package io.unibloc.csi.common;
