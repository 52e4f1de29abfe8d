package io.unibloc.csi.node.reconcile;

import io.fabric8.kubernetes.api.model.SecretReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.unibloc.api.v1alpha1.BlockVolumeSpec;
import io.unibloc.csi.common.PullSecretCredentials;
import io.unibloc.registry.auth.RegistryCredentials;
import java.util.ArrayList;
import java.util.List;

/**
 * Registry credentials of a volume: its claim's pull secrets, then the StorageClass's provisioner secret — the
 * same Secrets the controller pinned with — read by {@link PullSecretCredentials}, as the controller reads them.
 */
public final class VolumeCredentials {
    private final KubernetesClient client;

    public VolumeCredentials(KubernetesClient client) {
        this.client = client;
    }

    /**
     * Errors: NOT_FOUND naming a Secret that does not exist (never skipped: an anonymous pull would fail later,
     * far from the cause), INVALID_ARGUMENT naming one that is not a docker-config Secret.
     */
    public RegistryCredentials read(BlockVolumeSpec spec) {
        List<SecretReference> refs = new ArrayList<>(spec.getPullSecrets());
        if (spec.getProvisionerSecret() != null) {
            refs.add(spec.getProvisionerSecret());
        }
        return read(refs);
    }

    public RegistryCredentials read(List<SecretReference> refs) {
        return PullSecretCredentials.read(client, refs);
    }
}
