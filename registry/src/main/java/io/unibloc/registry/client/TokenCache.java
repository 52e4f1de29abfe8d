package io.unibloc.registry.client;

import io.unibloc.registry.auth.RegistryCredentials;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer tokens by (registry host, scope, login), kept until shortly before they expire, so one pull
 * asks the token server once per repository instead of once per request. The login part of the key is a
 * hash of user name and password: a caller with the same user name but a wrong password must not get the
 * token another caller earned, and the password must not sit in the map in clear.
 */
final class TokenCache {
    private static final Duration EARLY = Duration.ofSeconds(10);

    private final ConcurrentHashMap<String, Entry> tokens = new ConcurrentHashMap<>();
    private final Clock clock;

    TokenCache(Clock clock) {
        this.clock = clock;
    }

    private record Entry(String token, Instant expires) {}

    static String key(String host, String scope, Optional<RegistryCredentials.Login> login) {
        return host + "|" + scope + "|" + login.map(TokenCache::loginHash).orElse("anonymous");
    }

    private static String loginHash(RegistryCredentials.Login login) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            // length-prefixed so that ("ab","c") and ("a","bc") differ
            String user = login.username() == null ? "" : login.username();
            String password = login.password() == null ? "" : login.password();
            sha.update((user.length() + ":" + user + ":" + password).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    Optional<String> get(String key) {
        Entry e = tokens.get(key);
        if (e == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(e.expires)) {
            tokens.remove(key, e);
            return Optional.empty();
        }
        return Optional.of(e.token);
    }

    void put(String key, String token, Duration lifetime) {
        Duration keep = lifetime.compareTo(EARLY.multipliedBy(2)) > 0 ? lifetime.minus(EARLY) : lifetime;
        tokens.put(key, new Entry(token, clock.instant().plus(keep)));
    }

    void invalidate(String key) {
        tokens.remove(key);
    }

    int size() {
        return tokens.size();
    }
}
