package io.unibloc.csi.controller.service;

import csi.v1.Csi;
import io.unibloc.api.registry.DockerConfigSecrets;
import io.unibloc.csi.common.CsiNames;
import io.unibloc.csi.common.CsiVolumeIds;
import io.unibloc.csi.common.grpc.CsiErrors;
import io.unibloc.csi.common.validate.BlockCapabilities;
import io.unibloc.csi.controller.provision.VolumeOptions;
import io.unibloc.csi.controller.provision.VolumeRequest;
import io.unibloc.registry.RegistryException;
import io.unibloc.registry.auth.DockerConfig;
import io.unibloc.registry.auth.RegistryCredentials;
import io.unibloc.types.FsType;
import io.unibloc.types.WriteMode;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/** Validates a CreateVolume request field by field; every problem is INVALID_ARGUMENT naming the field. */
final class CreateVolumeParser {
    static final int MAX_NAME_LENGTH = 256;

    private CreateVolumeParser() {}

    static VolumeRequest parse(Csi.CreateVolumeRequest request) {
        String name = request.getName();
        if (name.isEmpty()) {
            throw CsiErrors.missing("name");
        }
        if (name.length() > MAX_NAME_LENGTH || name.chars().anyMatch(Character::isISOControl)) {
            throw CsiErrors.invalid("name", "must be at most " + MAX_NAME_LENGTH + " printable characters");
        }
        BlockCapabilities.requireAll(request.getVolumeCapabilitiesList(), "volume_capabilities");
        if (request.hasVolumeContentSource()) {
            throw CsiErrors.invalid(
                    "volume_content_source", "is not supported: volumes are always built from an image");
        }
        if (!request.getMutableParamsMap().isEmpty()) {
            throw CsiErrors.invalid("mutable_parameters", "are not supported");
        }
        Map<String, String> params = request.getParametersMap();
        checkParameterKeys(params);
        long required = request.getCapacityRange().getRequiredBytes();
        long limit = request.getCapacityRange().getLimitBytes();
        if (required < 0 || limit < 0) {
            throw CsiErrors.invalid("capacity_range", "sizes must not be negative");
        }
        if (limit > 0 && required > limit) {
            throw CsiErrors.invalid("capacity_range", "required_bytes " + required + " exceeds limit_bytes " + limit);
        }
        Optional<VolumeRequest.ClaimRef> claim = claim(params);
        return new VolumeRequest(
                name,
                CsiVolumeIds.fromRequestName(name),
                Optional.ofNullable(params.get(CsiNames.PARAM_IMAGE))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty()),
                fsType(params),
                readOnly(params),
                writeMode(params),
                required,
                limit,
                claim,
                request.getAccessibilityRequirements(),
                credentials(request.getSecretsMap()));
    }

    /** Unknown keys are INVALID_ARGUMENT naming them; used by GetCapacity and ValidateVolumeCapabilities too. */
    static void checkParameterKeys(Map<String, String> params) {
        TreeSet<String> unknown = new TreeSet<>(params.keySet());
        unknown.removeAll(CsiNames.ALLOWED_PARAMETERS);
        if (!unknown.isEmpty()) {
            throw CsiErrors.invalid(
                    "parameters",
                    "unknown " + (unknown.size() == 1 ? "key " : "keys ") + String.join(", ", unknown) + "; allowed: "
                            + String.join(", ", new TreeSet<>(CsiNames.ALLOWED_PARAMETERS)));
        }
    }

    static FsType fsType(Map<String, String> params) {
        return VolumeOptions.fsType("parameters." + CsiNames.PARAM_FS_TYPE, params.get(CsiNames.PARAM_FS_TYPE));
    }

    static boolean readOnly(Map<String, String> params) {
        return VolumeOptions.readOnly("parameters." + CsiNames.PARAM_READ_ONLY, params.get(CsiNames.PARAM_READ_ONLY));
    }

    static Optional<WriteMode> writeMode(Map<String, String> params) {
        return VolumeOptions.writeMode(
                "parameters." + CsiNames.PARAM_WRITE_MODE, params.get(CsiNames.PARAM_WRITE_MODE));
    }

    private static Optional<VolumeRequest.ClaimRef> claim(Map<String, String> params) {
        String ns = params.get(CsiNames.PARAM_PVC_NAMESPACE);
        String name = params.get(CsiNames.PARAM_PVC_NAME);
        if (ns == null && name == null) {
            return Optional.empty();
        }
        if (ns == null || ns.isBlank() || name == null || name.isBlank()) {
            throw CsiErrors.invalid(
                    "parameters", CsiNames.PARAM_PVC_NAME + " and " + CsiNames.PARAM_PVC_NAMESPACE + " come together");
        }
        return Optional.of(new VolumeRequest.ClaimRef(ns, name));
    }

    /** The provisioner secret's docker config, read by the reader every component shares. */
    private static RegistryCredentials credentials(Map<String, String> secrets) {
        byte[] json = DockerConfigSecrets.dockerConfig(secrets);
        if (json == null) {
            return RegistryCredentials.NONE;
        }
        try {
            return DockerConfig.merge(Map.of("provisioner secret", json));
        } catch (RegistryException e) {
            // DockerConfig's messages never contain the secret itself.
            String key = secrets.containsKey(DockerConfigSecrets.DOCKER_CONFIG_JSON)
                    ? DockerConfigSecrets.DOCKER_CONFIG_JSON
                    : DockerConfigSecrets.DOCKER_CFG;
            throw CsiErrors.invalid("secrets." + key, e.getMessage());
        }
    }
}
