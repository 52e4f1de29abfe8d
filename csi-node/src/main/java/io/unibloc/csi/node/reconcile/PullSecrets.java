package io.unibloc.csi.node.reconcile;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.unibloc.blockstore.StoreException;
import io.unibloc.blockstore.registry.DockerConfig;
import io.unibloc.blockstore.registry.RegistryCredentials;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Registry credentials from docker-config Secrets ({@code .dockerconfigjson} or {@code .dockercfg}); the first secret naming a registry wins. */
public final class PullSecrets {
    private static final Logger LOG = LoggerFactory.getLogger(PullSecrets.class);
    private final KubernetesClient client;

    public PullSecrets(KubernetesClient client) {
        this.client = client;
    }

    /** A missing secret is skipped with a warning (the image may be public); a malformed one is INVALID_ARGUMENT naming it. */
    public RegistryCredentials read(List<SecretReference> refs) {
        if (refs == null || refs.isEmpty()) {
            return RegistryCredentials.NONE;
        }
        Map<String, RegistryCredentials.Login> merged = new HashMap<>();
        for (SecretReference ref : refs) {
            Secret secret = client.secrets().inNamespace(ref.getNamespace()).withName(ref.getName()).get();
            if (secret == null || secret.getData() == null) {
                LOG.warn("pull secret missing secret={}/{}", ref.getNamespace(), ref.getName());
                continue;
            }
            String encoded = secret.getData().getOrDefault(".dockerconfigjson", secret.getData().get(".dockercfg"));
            if (encoded == null) {
                LOG.warn("pull secret has no docker config secret={}/{}", ref.getNamespace(), ref.getName());
                continue;
            }
            try {
                RegistryCredentials creds = DockerConfig.parse(new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8));
                creds.byRegistry().forEach(merged::putIfAbsent);
            } catch (StoreException | IllegalArgumentException e) {
                throw StoreException.invalid("pull secret " + ref.getNamespace() + "/" + ref.getName() + ": " + e.getMessage());
            }
        }
        return new RegistryCredentials(merged);
    }
}
