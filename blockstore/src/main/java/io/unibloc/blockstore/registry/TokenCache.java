package io.unibloc.blockstore.registry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer tokens by (registry host, scope, user), kept until shortly before they expire, so one pull
 * asks the token server once per repository instead of once per request.
 */
final class TokenCache {
    private static final Duration EARLY = Duration.ofSeconds(10);

    private final ConcurrentHashMap<String, Entry> tokens = new ConcurrentHashMap<>();
    private final Clock clock;

    TokenCache(Clock clock) {
        this.clock = clock;
    }

    private record Entry(String token, Instant expires) {}

    static String key(String host, String scope, String user) {
        return host + "|" + scope + "|" + (user == null ? "" : user);
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
