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
 * @param writeMode      what the claim annotation, else the StorageClass parameter, says; empty when neither does
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
     * The default of the controller's {@code --default-write-mode} (issue 19: density by default): guests of one
     * image share the node's page cache. A volume recorded before keeps its own mode.
     */
    public static final WriteMode DEFAULT_WRITE_MODE = WriteMode.EPHEMERAL;

    /**
     * The mode a new volume is created in: the claim's, else the class's, else {@code controllerDefault} (the
     * controller's flag). The chart's value reaches claims through the flag, not a class parameter, because class
     * parameters cannot change after install.
     */
    public WriteMode effectiveWriteMode(WriteMode controllerDefault) {
        return writeMode.orElse(controllerDefault);
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
