package io.unibloc.csi.controller.provision;

import io.fabric8.kubernetes.api.model.SecretReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.unibloc.csi.common.PullSecretCredentials;
import io.unibloc.registry.auth.RegistryCredentials;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The credentials the controller pins with: the claim's pull secrets first, then the provisioner secret the
 * sidecar passed — the same Secrets, in the same order, that the node plugin pulls with (it reads the references
 * recorded in the BlockVolume). Read through {@link PullSecretCredentials}, as the node reads them.
 */
public final class PullCredentials {
    private final KubernetesClient client;

    public PullCredentials(KubernetesClient client) {
        this.client = client;
    }

    /**
     * Errors: NOT_FOUND naming a claim Secret that does not exist, INVALID_ARGUMENT naming one that is not a
     * docker-config Secret.
     */
    public RegistryCredentials read(List<SecretReference> claimSecrets, RegistryCredentials provisioner) {
        if (claimSecrets.isEmpty()) {
            return provisioner;
        }
        RegistryCredentials claim = PullSecretCredentials.read(client, claimSecrets);
        Map<String, RegistryCredentials.Login> merged = new LinkedHashMap<>(claim.byRegistry());
        provisioner.byRegistry().forEach(merged::putIfAbsent);
        return new RegistryCredentials(merged);
    }
}
