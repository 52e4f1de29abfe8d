package io.unibloc.csi.controller.provision;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.SecretReference;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.unibloc.api.wire.ClaimAnnotations;
import io.unibloc.types.FsType;
import io.unibloc.types.WriteMode;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The unibloc annotations of the claim a volume is provisioned for, and the provisioner secret its StorageClass
 * names ({@code csi.storage.k8s.io/provisioner-secret-name/namespace}): the sidecar passes only that Secret's
 * contents, but the node plugin must read the same Secret to pull, so its reference is recorded.
 */
public final class ClaimLookup {
    private final KubernetesClient client;

    public ClaimLookup(KubernetesClient client) {
        this.client = client;
    }

    static final String SECRET_NAME = "csi.storage.k8s.io/provisioner-secret-name";
    static final String SECRET_NAMESPACE = "csi.storage.k8s.io/provisioner-secret-namespace";

    /**
     * What the claim says; empty annotations when the claim is gone (it was deleted while we provisioned).
     * {@code pvName} resolves {@code ${pv.name}} in the StorageClass's secret templates.
     */
    public ClaimOverrides read(VolumeRequest.ClaimRef claim, String pvName) {
        PersistentVolumeClaim pvc = client.persistentVolumeClaims()
                .inNamespace(claim.namespace())
                .withName(claim.name())
                .get();
        Map<String, String> annotations = pvc == null || pvc.getMetadata().getAnnotations() == null
                ? Map.of()
                : pvc.getMetadata().getAnnotations();
        Optional<String> image = Optional.ofNullable(annotations.get(ClaimAnnotations.IMAGE))
                .map(String::trim)
                .filter(s -> !s.isEmpty());
        List<String> secrets = Optional.ofNullable(annotations.get(ClaimAnnotations.PULL_SECRETS))
                .map(s -> Arrays.stream(s.split(","))
                        .map(String::trim)
                        .filter(x -> !x.isEmpty())
                        .toList())
                .orElse(List.of());
        String where = " of claim " + claim;
        Optional<FsType> fsType = Optional.ofNullable(annotations.get(ClaimAnnotations.FS_TYPE))
                .map(value -> VolumeOptions.fsType("annotation " + ClaimAnnotations.FS_TYPE + where, value));
        Optional<Boolean> readOnly = Optional.ofNullable(annotations.get(ClaimAnnotations.READ_ONLY))
                .map(value -> VolumeOptions.readOnly("annotation " + ClaimAnnotations.READ_ONLY + where, value));
        Optional<WriteMode> writeMode = Optional.ofNullable(annotations.get(ClaimAnnotations.WRITE_MODE))
                .flatMap(value -> VolumeOptions.writeMode("annotation " + ClaimAnnotations.WRITE_MODE + where, value));
        Optional<SecretReference> provisionerSecret =
                pvc == null ? Optional.empty() : provisionerSecret(pvc, claim, pvName);
        return new ClaimOverrides(image, secrets, fsType, readOnly, writeMode, provisionerSecret);
    }

    /** The StorageClass's provisioner secret, its templates resolved as external-provisioner resolves them. */
    private Optional<SecretReference> provisionerSecret(
            PersistentVolumeClaim pvc, VolumeRequest.ClaimRef claim, String pvName) {
        String className = pvc.getSpec() == null ? null : pvc.getSpec().getStorageClassName();
        if (className == null || className.isBlank()) {
            return Optional.empty();
        }
        StorageClass storageClass =
                client.storage().v1().storageClasses().withName(className).get();
        Map<String, String> params =
                storageClass == null || storageClass.getParameters() == null ? Map.of() : storageClass.getParameters();
        String name = params.get(SECRET_NAME);
        String namespace = params.get(SECRET_NAMESPACE);
        if (name == null || namespace == null) {
            return Optional.empty();
        }
        return Optional.of(new SecretReference(resolve(name, claim, pvName), resolve(namespace, claim, pvName)));
    }

    private static String resolve(String template, VolumeRequest.ClaimRef claim, String pvName) {
        return template.replace("${pvc.namespace}", claim.namespace())
                .replace("${pvc.name}", claim.name())
                .replace("${pv.name}", pvName)
                .trim();
    }

    /** The claim's image override, pull secret names, filesystem / read-only overrides, and its class's provisioner secret. */
    public record ClaimOverrides(
            Optional<String> image,
            List<String> pullSecrets,
            Optional<FsType> fsType,
            Optional<Boolean> readOnly,
            Optional<WriteMode> writeMode,
            Optional<SecretReference> provisionerSecret) {
        public static final ClaimOverrides NONE = new ClaimOverrides(
                Optional.empty(), List.of(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }
}
