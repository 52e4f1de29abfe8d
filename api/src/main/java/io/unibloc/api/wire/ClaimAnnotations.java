package io.unibloc.api.wire;

import io.unibloc.types.WriteMode;

/** Annotations on a root volume's claim: written by the operator (or a user), read by the CSI controller. */
public final class ClaimAnnotations {
    /** The pinned image ({@code registry/repository@sha256:...}); overrides the StorageClass's {@code image}. */
    public static final String IMAGE = "unibloc.io/image";
    /** Comma-separated docker-config Secret names (claim namespace) the node plugin pulls with. */
    public static final String PULL_SECRETS = "unibloc.io/pull-secrets";
    /** Overrides the StorageClass's {@code fsType} for one claim. */
    public static final String FS_TYPE = "unibloc.io/fs-type";
    /** Overrides the StorageClass's {@code readOnly} for one claim. */
    public static final String READ_ONLY = "unibloc.io/read-only";
    /**
     * {@code persistent} or {@code ephemeral}; also the StorageClass parameter of the same name. Owned by {@link
     * WriteMode#KEY}, which the engine's parse error names.
     */
    public static final String WRITE_MODE = WriteMode.KEY;

    private ClaimAnnotations() {}
}
