package io.unibloc.csi.controller.provision;

import csi.v1.Csi;
import io.unibloc.registry.auth.RegistryCredentials;
import io.unibloc.types.FsType;
import io.unibloc.types.WriteMode;
import java.util.Optional;

/**
 * A validated CreateVolume request.
 *
 * @param imageParameter the StorageClass {@code image} parameter, if set (the claim annotation may override it)
 * @param writeMode      what the StorageClass parameter, then the claim annotation, says; empty when neither does
 * @param claim          the claim from {@code --extra-create-metadata}, if the provisioner passed it
 * @param credentials    from the provisioner secret's docker config; never logged in clear
 */
public record VolumeRequest(
        String requestName,
        String volumeId,
        Optional<String> imageParameter,
        FsType fsType,
        boolean readOnly,
        Optional<WriteMode> writeMode,
        long requiredBytes,
        long limitBytes,
        Optional<ClaimRef> claim,
        Csi.TopologyRequirement topology,
        RegistryCredentials credentials) {

    /**
     * The mode of a volume whose class and claim do not say (issue 19: density by default): guests of one image
     * share the node's page cache. A volume recorded before keeps its own mode ({@link #effectiveWriteMode}).
     */
    public static final WriteMode DEFAULT_WRITE_MODE = WriteMode.EPHEMERAL;

    /** The mode a new volume is created in. */
    public WriteMode effectiveWriteMode() {
        return writeMode.orElse(DEFAULT_WRITE_MODE);
    }

    /** The same request with the claim's own filesystem, read-only choice and write mode, where it makes one. */
    public VolumeRequest withClaimOverrides(
            Optional<FsType> claimFsType, Optional<Boolean> claimReadOnly, Optional<WriteMode> claimWriteMode) {
        return new VolumeRequest(
                requestName,
                volumeId,
                imageParameter,
                claimFsType.orElse(fsType),
                claimReadOnly.orElse(readOnly),
                claimWriteMode.or(() -> writeMode),
                requiredBytes,
                limitBytes,
                claim,
                topology,
                credentials);
    }

    /** A claim by namespace and name. */
    public record ClaimRef(String namespace, String name) {
        @Override
        public String toString() {
            return namespace + "/" + name;
        }
    }
}
