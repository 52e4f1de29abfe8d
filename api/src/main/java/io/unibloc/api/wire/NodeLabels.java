package io.unibloc.api.wire;

/** Labels on Node objects: written by the CSI node plugin, read by the RuntimeClasses and the operator. */
public final class NodeLabels {
    /** {@code true|false}: KVM is usable here; the RuntimeClass {@code unibloc-kvm} selects on it. */
    public static final String KVM = "unibloc.io/kvm";
    /** {@code kvm|tcg}: what guests here run under; the operator reads it for {@code status.accelerator}. */
    public static final String ACCEL = "unibloc.io/accel";
    /** {@code true}: the node plugin runs here; the RuntimeClass selector when software emulation is allowed. */
    public static final String NODE = "unibloc.io/node";

    private NodeLabels() {}
}
