package io.unibloc.registry.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.unibloc.registry.RegistryException;
import io.unibloc.registry.ref.ImageReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads docker {@code config.json} (and Kubernetes {@code .dockerconfigjson} / legacy {@code .dockercfg}
 * pull secrets, which hold the same document) into {@link RegistryCredentials}. Each entry of
 * {@code auths} may carry {@code auth} (base64 {@code user:password}), {@code username}/{@code password},
 * or {@code identitytoken}. Keys are normalised to registry hosts, so {@code https://index.docker.io/v1/}
 * becomes {@code docker.io}. Error messages never contain secrets.
 */
public final class DockerConfig {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DockerConfig() {}

    /** Parses the JSON text; INVALID_ARGUMENT naming the entry when malformed. */
    public static RegistryCredentials parse(byte[] json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw RegistryException.invalid("docker config is not valid JSON (at line " + lineOf(e) + ")");
        }
        if (root == null || !root.isObject()) {
            throw RegistryException.invalid("docker config must be a JSON object");
        }
        // config.json has {"auths": {...}}; the legacy .dockercfg is the map itself.
        JsonNode auths = root.has("auths") ? root.get("auths") : root;
        Map<String, RegistryCredentials.Login> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = auths.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isObject()) {
                continue;
            }
            RegistryCredentials.Login login = loginOf(e.getKey(), e.getValue());
            if (login != null) {
                out.put(normaliseHost(e.getKey()), login);
            }
        }
        return new RegistryCredentials(out);
    }

    /**
     * Parses several documents keyed by where they came from (e.g. {@code "secret ns/name"}), in order: the first
     * naming a registry wins, as kubelet does with pull secrets. INVALID_ARGUMENT naming the source when one is
     * malformed.
     */
    public static RegistryCredentials merge(Map<String, byte[]> documentsBySource) {
        Map<String, RegistryCredentials.Login> merged = new LinkedHashMap<>();
        documentsBySource.forEach((source, json) -> {
            try {
                parse(json).byRegistry().forEach(merged::putIfAbsent);
            } catch (RegistryException e) {
                throw RegistryException.invalid(source + ": " + e.getMessage());
            }
        });
        return new RegistryCredentials(merged);
    }

    public static RegistryCredentials parse(String json) {
        return parse(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads a file; a missing file gives {@link RegistryCredentials#NONE}. */
    public static RegistryCredentials read(Path file) {
        try {
            return parse(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return RegistryCredentials.NONE;
        } catch (IOException e) {
            throw RegistryException.invalid("cannot read docker config " + file + ": " + e.getMessage());
        } catch (RegistryException e) {
            throw RegistryException.invalid("docker config " + file + ": " + e.getMessage());
        }
    }

    private static RegistryCredentials.Login loginOf(String key, JsonNode entry) {
        String user = text(entry, "username");
        String pass = text(entry, "password");
        String auth = text(entry, "auth");
        if (auth != null && !auth.isEmpty()) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException ex) {
                throw RegistryException.invalid("docker config entry '" + key + "': 'auth' is not valid base64");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw RegistryException.invalid(
                        "docker config entry '" + key + "': 'auth' must decode to user:password");
            }
            return new RegistryCredentials.Login(decoded.substring(0, colon), decoded.substring(colon + 1));
        }
        if (user != null && pass != null) {
            return new RegistryCredentials.Login(user, pass);
        }
        String identityToken = text(entry, "identitytoken");
        if (identityToken != null) {
            // Docker sends an identity token as the password of the pseudo user "<token>".
            return new RegistryCredentials.Login("<token>", identityToken);
        }
        return null;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** {@code https://index.docker.io/v1/} → {@code docker.io}; {@code http://host:5000/x} → {@code host:5000}. */
    public static String normaliseHost(String key) {
        String h = key.trim();
        int scheme = h.indexOf("://");
        if (scheme >= 0) {
            h = h.substring(scheme + 3);
        }
        int slash = h.indexOf('/');
        if (slash >= 0) {
            h = h.substring(0, slash);
        }
        h = h.toLowerCase(java.util.Locale.ROOT);
        if (h.equals("index.docker.io") || h.equals("registry-1.docker.io") || h.equals("registry.hub.docker.com")) {
            return ImageReference.DOCKER_HUB;
        }
        return h;
    }

    private static String lineOf(IOException e) {
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe && jpe.getLocation() != null) {
            return String.valueOf(jpe.getLocation().getLineNr());
        }
        return "?";
    }
}
