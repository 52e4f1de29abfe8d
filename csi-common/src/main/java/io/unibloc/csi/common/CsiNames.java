package io.unibloc.csi.common;

import java.util.Set;

/** The names the CSI components, the operator, the chart and kubelet agree on. */
public final class CsiNames {
    public static final String DRIVER_NAME = "block.unibloc.io";
    public static final String TOPOLOGY_KEY = "topology.block.unibloc.io/node";

    /** StorageClass parameters. */
    public static final String PARAM_IMAGE = "image";
    public static final String PARAM_FS_TYPE = "fsType";
    public static final String PARAM_READ_ONLY = "readOnly";
    /** {@code persistent} (default) or {@code ephemeral}; the same key as the claim annotation. */
    public static final String PARAM_WRITE_MODE = "unibloc.io/write-mode";
    /** Added by external-provisioner with {@code --extra-create-metadata}. */
    public static final String PARAM_PVC_NAME = "csi.storage.k8s.io/pvc/name";
    public static final String PARAM_PVC_NAMESPACE = "csi.storage.k8s.io/pvc/namespace";
    public static final String PARAM_PV_NAME = "csi.storage.k8s.io/pv/name";
    public static final Set<String> ALLOWED_PARAMETERS = Set.of(PARAM_IMAGE, PARAM_FS_TYPE, PARAM_READ_ONLY,
            PARAM_WRITE_MODE, PARAM_PVC_NAME, PARAM_PVC_NAMESPACE, PARAM_PV_NAME);

    /** Claim annotation with the pinned image; overrides the {@code image} parameter. */
    public static final String ANNOTATION_IMAGE = "unibloc.io/image";
    /** Claim annotation: comma-separated docker-config Secret names (claim namespace) the node pulls with. */
    public static final String ANNOTATION_PULL_SECRETS = "unibloc.io/pull-secrets";
    /** Claim annotations that override the StorageClass's {@code fsType} and {@code readOnly} for one claim. */
    public static final String ANNOTATION_FS_TYPE = "unibloc.io/fs-type";
    public static final String ANNOTATION_READ_ONLY = "unibloc.io/read-only";
    /** Claim annotation that overrides the StorageClass's write mode for one claim. */
    public static final String ANNOTATION_WRITE_MODE = "unibloc.io/write-mode";

    /** Volume context keys returned by CreateVolume. */
    public static final String CONTEXT_IMAGE = "image";
    public static final String CONTEXT_FS_TYPE = "fsType";
    public static final String CONTEXT_READ_ONLY = "readOnly";
    public static final String CONTEXT_WRITE_MODE = "writeMode";

    /** Node label and extended resource of the KVM device plugin. */
    public static final String KVM_LABEL = "unibloc.io/kvm";
    public static final String KVM_RESOURCE = "unibloc.io/kvm";

    private CsiNames() {}
}
