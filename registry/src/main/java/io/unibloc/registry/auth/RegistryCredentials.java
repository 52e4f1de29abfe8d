package io.unibloc.registry.auth;

import java.util.Map;
import java.util.Optional;

/**
 * Credentials per registry host, as a docker {@code config.json} (what a Kubernetes pull secret holds)
 * carries them. {@link #toString()} never shows secrets, so the object is safe to log.
 */
public record RegistryCredentials(Map<String, Login> byRegistry) {
    public static final RegistryCredentials NONE = new RegistryCredentials(Map.of());

    public RegistryCredentials {
        byRegistry = Map.copyOf(byRegistry);
    }

    /** One registry's login: username and password (or identity token as password). */
    public record Login(String username, String password) {
        @Override
        public String toString() {
            return "Login[username=" + username + ", password=***]";
        }
    }

    public Optional<Login> forRegistry(String registryHost) {
        return Optional.ofNullable(byRegistry.get(registryHost));
    }

    @Override
    public String toString() {
        return "RegistryCredentials" + byRegistry.keySet();
    }
}
