/**
 * KVM on this node: whether it really works (a probe guest must boot under KVM, via the sandbox's probe),
 * the Node label {@code unibloc.io/kvm}, and the kubelet device plugin for the extended resource
 * {@code unibloc.io/kvm} that hands /dev/kvm, /dev/net/tun and /dev/vhost-net to containers.
 */
package io.unibloc.csi.node.kvm;
