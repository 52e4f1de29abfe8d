/**
 * Placing a staged block device at kubelet's target path: path checks against hostile requests, bind
 * mounts of device nodes, and read-only publishing through a read-only loop device. What is mounted where is read
 * through the block store's mount table ({@code io.unibloc.blockstore.fs.MountTable}).
 */
package io.unibloc.csi.node.publish;
