package io.unibloc.csi.common;

import io.unibloc.api.wire.ClaimAnnotations;
import java.util.Set;

/**
 * The names the CSI components, the chart and kubelet agree on. Names the operator shares live in
 * {@code io.unibloc.api.wire}.
 */
public final class CsiNames {
    public static final String DRIVER_NAME = "block.unibloc.io";
    public static final String TOPOLOGY_KEY = "topology.block.unibloc.io/node";

    /** StorageClass parameters. */
    public static final String PARAM_IMAGE = "image";

    public static final String PARAM_FS_TYPE = "fsType";
    public static final String PARAM_READ_ONLY = "readOnly";
    /**
     * {@code ephemeral} or {@code persistent}; the same key as the claim annotation, which overrides it. Neither set:
     * the controller's {@code --default-write-mode}, ephemeral unless set.
     */
    public static final String PARAM_WRITE_MODE = ClaimAnnotations.WRITE_MODE;
    /** Added by external-provisioner with {@code --extra-create-metadata}. */
    public static final String PARAM_PVC_NAME = "csi.storage.k8s.io/pvc/name";

    public static final String PARAM_PVC_NAMESPACE = "csi.storage.k8s.io/pvc/namespace";
    public static final String PARAM_PV_NAME = "csi.storage.k8s.io/pv/name";
    public static final Set<String> ALLOWED_PARAMETERS = Set.of(
            PARAM_IMAGE,
            PARAM_FS_TYPE,
            PARAM_READ_ONLY,
            PARAM_WRITE_MODE,
            PARAM_PVC_NAME,
            PARAM_PVC_NAMESPACE,
            PARAM_PV_NAME);

    /** Volume context keys returned by CreateVolume. */
    public static final String CONTEXT_IMAGE = "image";

    public static final String CONTEXT_FS_TYPE = "fsType";
    public static final String CONTEXT_READ_ONLY = "readOnly";
    public static final String CONTEXT_WRITE_MODE = "writeMode";

    private CsiNames() {}
}
