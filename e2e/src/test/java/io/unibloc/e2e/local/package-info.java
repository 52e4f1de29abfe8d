/**
 * The local path end to end, as kubelet drives it on one node, with every part real except the API server
 * (fabric8's mock in CRUD mode): an image pushed to a real registry, a {@code BlockVolume} record as the CSI
 * controller writes it, the csi-node plugin in-process (reconciler, real block store on an XFS loop file, CSI
 * Identity/Node over a real UNIX socket), a loop device published at kubelet's target path, and the sandbox
 * booting the Linux test guest under TCG from that path. Each test ends by checking that no loop device, mount
 * or clone is left behind.
 */
package io.unibloc.e2e.local;
