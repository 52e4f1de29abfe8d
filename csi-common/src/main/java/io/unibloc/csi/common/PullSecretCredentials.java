package io.unibloc.csi.common;

import io.fabric8.kubernetes.api.model.SecretReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.unibloc.api.registry.DockerConfigSecrets;
import io.unibloc.api.registry.PullSecretException;
import io.unibloc.registry.auth.RegistryCredentials;
import io.unibloc.types.ErrorKind;
import io.unibloc.types.StoreException;
import java.util.List;

/**
 * Registry credentials from docker-config Secrets, as both CSI components read them (the controller to pin, the
 * node to pull): read by the project's one reader, {@link DockerConfigSecrets}, and turned into the project's one
 * error taxonomy, which the gRPC status mapping and the node's reconciler classify.
 */
public final class PullSecretCredentials {
    private PullSecretCredentials() {}

    /**
     * No references, no credentials. Errors: NOT_FOUND naming a Secret that does not exist (never skipped: an
     * anonymous pull would fail later, far from the cause), INVALID_ARGUMENT naming one that is not a docker-config
     * Secret.
     */
    public static RegistryCredentials read(KubernetesClient client, List<SecretReference> refs) {
        try {
            return DockerConfigSecrets.credentials(client, refs);
        } catch (PullSecretException e) {
            ErrorKind kind = e.reason() == PullSecretException.Reason.NOT_FOUND
                    ? ErrorKind.NOT_FOUND
                    : ErrorKind.INVALID_ARGUMENT;
            throw new StoreException(kind, e.getMessage());
        }
    }
}
