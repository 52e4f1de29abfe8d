package io.unibloc.csi.controller.provision;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.unibloc.blockstore.FsType;
import io.unibloc.csi.common.CsiNames;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The unibloc annotations of the claim a volume is provisioned for. */
public final class ClaimLookup {
    private final KubernetesClient client;

    public ClaimLookup(KubernetesClient client) {
        this.client = client;
    }

    /** What the claim says; empty annotations when the claim is gone (it was deleted while we provisioned). */
    public ClaimAnnotations read(VolumeRequest.ClaimRef claim) {
        PersistentVolumeClaim pvc = client.persistentVolumeClaims().inNamespace(claim.namespace()).withName(claim.name()).get();
        Map<String, String> annotations = pvc == null || pvc.getMetadata().getAnnotations() == null
                ? Map.of() : pvc.getMetadata().getAnnotations();
        Optional<String> image = Optional.ofNullable(annotations.get(CsiNames.ANNOTATION_IMAGE)).map(String::trim).filter(s -> !s.isEmpty());
        List<String> secrets = Optional.ofNullable(annotations.get(CsiNames.ANNOTATION_PULL_SECRETS))
                .map(s -> Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList())
                .orElse(List.of());
        String where = " of claim " + claim;
        Optional<FsType> fsType = Optional.ofNullable(annotations.get(CsiNames.ANNOTATION_FS_TYPE))
                .map(value -> VolumeOptions.fsType("annotation " + CsiNames.ANNOTATION_FS_TYPE + where, value));
        Optional<Boolean> readOnly = Optional.ofNullable(annotations.get(CsiNames.ANNOTATION_READ_ONLY))
                .map(value -> VolumeOptions.readOnly("annotation " + CsiNames.ANNOTATION_READ_ONLY + where, value));
        return new ClaimAnnotations(image, secrets, fsType, readOnly);
    }

    /** The claim's image override, pull secret names, and filesystem / read-only overrides. */
    public record ClaimAnnotations(Optional<String> image, List<String> pullSecrets, Optional<FsType> fsType,
                                   Optional<Boolean> readOnly) {
        public static final ClaimAnnotations NONE =
                new ClaimAnnotations(Optional.empty(), List.of(), Optional.empty(), Optional.empty());
    }
}
