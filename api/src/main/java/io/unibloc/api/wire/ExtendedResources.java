package io.unibloc.api.wire;

/** Extended resources: advertised by the CSI node plugin's device plugin, requested by the operator's Pods. */
public final class ExtendedResources {
    /** One slot of /dev/kvm, /dev/net/tun and /dev/vhost-net; the scheduler names it when no node offers it. */
    public static final String KVM = "unibloc.io/kvm";

    private ExtendedResources() {}
}
