package io.unibloc.operator.pin;

import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.unibloc.api.registry.DockerConfigSecrets;
import io.unibloc.api.registry.PullSecretException;
import io.unibloc.registry.RegistryException;
import io.unibloc.registry.auth.RegistryCredentials;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the docker-config pull secrets a resource names into {@link RegistryCredentials}, through the reader the
 * CSI controller and node plugin share ({@link DockerConfigSecrets}): {@code .dockerconfigjson} or the legacy
 * {@code .dockercfg}; when two Secrets log in to the same registry, the first one listed wins, as the kubelet
 * does. A GET per Secret (no cluster-wide Secret cache): they are read only while a pin is needed.
 */
public final class PullSecrets {
    private final KubernetesClient client;

    public PullSecrets(KubernetesClient client) {
        this.client = client;
    }

    /** Credentials, or why they cannot be read; never contains secret values. */
    public sealed interface Result permits Found, Problem {}

    public record Found(RegistryCredentials credentials) implements Result {}

    /** {@code reason} is a condition reason: PullSecretNotFound or PullSecretInvalid. */
    public record Problem(String reason, String message) implements Result {}

    public Result read(String namespace, List<LocalObjectReference> refs) {
        if (refs == null || refs.isEmpty()) {
            return new Found(RegistryCredentials.NONE);
        }
        List<SecretReference> named = new ArrayList<>();
        for (LocalObjectReference ref : refs) {
            if (ref.getName() == null || ref.getName().isBlank()) {
                return new Problem("PullSecretInvalid", "an entry of imagePullSecrets has no name");
            }
            named.add(new SecretReference(ref.getName(), namespace));
        }
        try {
            return new Found(DockerConfigSecrets.credentials(client, named));
        } catch (PullSecretException e) {
            return new Problem(
                    e.reason() == PullSecretException.Reason.NOT_FOUND ? "PullSecretNotFound" : "PullSecretInvalid",
                    e.getMessage());
        }
    }

    /** One Secret's credentials, through the shared reader; INVALID_ARGUMENT naming it when it is not usable. */
    static RegistryCredentials parse(Secret secret) {
        String where =
                secret.getMetadata().getNamespace() + "/" + secret.getMetadata().getName();
        try {
            return DockerConfigSecrets.credentials(where, secret);
        } catch (PullSecretException e) {
            throw RegistryException.invalid(e.getMessage());
        }
    }
}
