/**
 * Placing a staged block device at kubelet's target path: path checks against hostile requests, bind
 * mounts of device nodes, read-only publishing through a read-only loop device, and the mount table.
 */
package io.unibloc.csi.node.publish;
