package io.unibloc.operator.pin;

import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.unibloc.blockstore.StoreException;
import io.unibloc.blockstore.registry.DockerConfig;
import io.unibloc.blockstore.registry.RegistryCredentials;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the docker-config pull secrets a resource names into {@link RegistryCredentials}. Each Secret
 * holds {@code .dockerconfigjson} (type {@code kubernetes.io/dockerconfigjson}) or the legacy
 * {@code .dockercfg}; when two Secrets log in to the same registry, the first one listed wins, as the
 * kubelet does. A GET per Secret (no cluster-wide Secret cache): they are read only while a pin is needed.
 */
public final class PullSecrets {
    static final String DOCKER_CONFIG_JSON = ".dockerconfigjson";
    static final String DOCKER_CFG = ".dockercfg";

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
        Map<String, RegistryCredentials.Login> logins = new LinkedHashMap<>();
        for (LocalObjectReference ref : refs) {
            String name = ref.getName();
            if (name == null || name.isBlank()) {
                return new Problem("PullSecretInvalid", "an entry of imagePullSecrets has no name");
            }
            Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
            if (secret == null) {
                return new Problem("PullSecretNotFound", "pull secret " + namespace + "/" + name
                        + " does not exist; create it (kubectl create secret docker-registry " + name
                        + " ...) or remove it from imagePullSecrets");
            }
            try {
                parse(secret).byRegistry().forEach(logins::putIfAbsent);
            } catch (StoreException e) {
                return new Problem("PullSecretInvalid", "pull secret " + namespace + "/" + name + ": " + e.getMessage());
            }
        }
        return new Found(new RegistryCredentials(logins));
    }

    static RegistryCredentials parse(Secret secret) {
        String name = secret.getMetadata().getName();
        byte[] json = value(secret, DOCKER_CONFIG_JSON);
        if (json == null) {
            json = value(secret, DOCKER_CFG);
        }
        if (json == null) {
            throw StoreException.invalid("has neither " + DOCKER_CONFIG_JSON + " nor " + DOCKER_CFG
                    + " (expected a Secret of type kubernetes.io/dockerconfigjson, got " + secret.getType() + ")");
        }
        try {
            return DockerConfig.parse(json);
        } catch (StoreException e) {
            throw StoreException.invalid("secret " + name + ": " + e.getMessage());
        }
    }

    private static byte[] value(Secret secret, String key) {
        if (secret.getData() != null && secret.getData().get(key) != null) {
            try {
                return Base64.getDecoder().decode(secret.getData().get(key).trim());
            } catch (IllegalArgumentException e) {
                throw StoreException.invalid("key " + key + " is not valid base64");
            }
        }
        if (secret.getStringData() != null && secret.getStringData().get(key) != null) {
            return secret.getStringData().get(key).getBytes(StandardCharsets.UTF_8);
        }
        return null;
    }
}
