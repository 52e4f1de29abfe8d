package io.unibloc.api.registry;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.unibloc.registry.RegistryException;
import io.unibloc.registry.auth.DockerConfig;
import io.unibloc.registry.auth.RegistryCredentials;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one reader of docker-config Secrets: {@code .dockerconfigjson} (type {@code kubernetes.io/dockerconfigjson})
 * or the legacy {@code .dockercfg}, from {@code data} (base64; whitespace such as line wrapping is ignored) or
 * {@code stringData}. It returns the docker-config documents by source, in the order given, so that the first
 * Secret naming a registry wins, as kubelet does; the JSON inside (the {@code auth} field or
 * {@code username}/{@code password}) is parsed by the registry module's {@link DockerConfig} into its
 * {@link RegistryCredentials}: {@link #credentials} is what the operator and both CSI components call.
 *
 * <p>A Secret that is named but missing is an error ({@link PullSecretException.Reason#NOT_FOUND}), never skipped:
 * skipping it would turn a typo into an anonymous pull that fails later with a registry's 401, far from the cause.
 * Messages name the Secret, never its contents.
 */
public final class DockerConfigSecrets {
    public static final String DOCKER_CONFIG_JSON = ".dockerconfigjson";
    public static final String DOCKER_CFG = ".dockercfg";

    private DockerConfigSecrets() {}

    /**
     * The registry credentials of {@code refs}, the first Secret naming a registry winning; none for no references.
     * Errors: {@link PullSecretException} naming the first Secret that is missing, is not a docker-config Secret,
     * or holds a document that does not parse.
     */
    public static RegistryCredentials credentials(KubernetesClient client, List<SecretReference> refs) {
        if (refs == null || refs.isEmpty()) {
            return RegistryCredentials.NONE;
        }
        return merge(read(client, refs));
    }

    /** The registry credentials of one Secret object; {@code where} names it in errors. */
    public static RegistryCredentials credentials(String where, Secret secret) {
        return merge(Map.of("secret " + where, dockerConfig(where, secret)));
    }

    private static RegistryCredentials merge(Map<String, byte[]> documents) {
        try {
            return DockerConfig.merge(documents);
        } catch (RegistryException e) {
            throw new PullSecretException(PullSecretException.Reason.INVALID, e.getMessage());
        }
    }

    /**
     * GETs each Secret and returns its docker-config document keyed by {@code "secret <namespace>/<name>"}, in the
     * order of {@code refs}. Errors: {@link PullSecretException} naming the first Secret that is missing or invalid.
     */
    public static Map<String, byte[]> read(KubernetesClient client, List<SecretReference> refs) {
        Map<String, byte[]> documents = new LinkedHashMap<>();
        if (refs == null) {
            return documents;
        }
        for (SecretReference ref : refs) {
            String where = ref.getNamespace() + "/" + ref.getName();
            if (ref.getName() == null
                    || ref.getName().isBlank()
                    || ref.getNamespace() == null
                    || ref.getNamespace().isBlank()) {
                throw new PullSecretException(
                        PullSecretException.Reason.INVALID,
                        "pull secret reference " + where + " needs both a namespace and a name");
            }
            Secret secret = client.secrets()
                    .inNamespace(ref.getNamespace())
                    .withName(ref.getName())
                    .get();
            if (secret == null) {
                throw new PullSecretException(
                        PullSecretException.Reason.NOT_FOUND,
                        "pull secret " + where
                                + " does not exist; create it (kubectl create secret docker-registry " + ref.getName()
                                + " -n " + ref.getNamespace() + " ...) or stop naming it");
            }
            documents.putIfAbsent("secret " + where, dockerConfig(where, secret));
        }
        return documents;
    }

    /** The docker-config document of a Secret object; {@code where} names it in errors. */
    public static byte[] dockerConfig(String where, Secret secret) {
        for (String key : List.of(DOCKER_CONFIG_JSON, DOCKER_CFG)) {
            if (secret.getData() != null && secret.getData().get(key) != null) {
                return decode(where, key, secret.getData().get(key));
            }
            if (secret.getStringData() != null && secret.getStringData().get(key) != null) {
                return secret.getStringData().get(key).getBytes(StandardCharsets.UTF_8);
            }
        }
        throw new PullSecretException(
                PullSecretException.Reason.INVALID,
                "pull secret " + where + " has neither "
                        + DOCKER_CONFIG_JSON + " nor " + DOCKER_CFG
                        + " (expected a Secret of type kubernetes.io/dockerconfigjson, got "
                        + secret.getType() + ")");
    }

    /**
     * The docker-config document among already decoded values, such as the secrets map of a CSI call (the
     * sidecars decode Secret data before they send it). Null when none of the keys is there.
     */
    public static byte[] dockerConfig(Map<String, String> plainValues) {
        for (String key : List.of(DOCKER_CONFIG_JSON, DOCKER_CFG)) {
            String value = plainValues == null ? null : plainValues.get(key);
            if (value != null) {
                return value.getBytes(StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static byte[] decode(String where, String key, String base64) {
        try {
            return Base64.getDecoder().decode(base64.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new PullSecretException(
                    PullSecretException.Reason.INVALID,
                    "pull secret " + where + ": key " + key + " is not valid base64");
        }
    }
}
