/**
 * Names every unibloc CSI component agrees on (driver name, topology key, StorageClass parameters), the mapping
 * from CSI request names to volume ids, the command-line options both take alike ({@link
 * io.unibloc.csi.common.ComponentOptions}) and the pull-secret credentials both read. Shared by csi-controller
 * and csi-node, which stay separate deployables; free of the engine, so the controller is too.
 */
package io.unibloc.csi.common;
