package io.unibloc.registry.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.registry.auth.RegistryCredentials;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuthAndEndpointTest {

    @Test
    void parsesBearerChallengeWithCommasInsideQuotes() {
        AuthChallenge ch = AuthChallenge.parse(
                        "Bearer realm=\"https://auth.example/token\",service=\"registry.example\",scope=\"repository:a/b:pull,push\"")
                .orElseThrow();
        assertThat(ch.isBearer()).isTrue();
        assertThat(ch.param("realm")).contains("https://auth.example/token");
        assertThat(ch.param("service")).contains("registry.example");
        assertThat(ch.param("scope")).contains("repository:a/b:pull,push");
        assertThat(AuthChallenge.parse("Basic realm=\"x\"").orElseThrow().isBasic())
                .isTrue();
        assertThat(AuthChallenge.parseAll(List.of("Basic realm=x", "Bearer realm=y")))
                .hasSize(2);
    }

    @Test
    void loopbackAndInsecureHostsUsePlainHttpMirrorsComeFirst() {
        RegistryConfig cfg = RegistryConfig.defaults()
                .withInsecure(Set.of("reg.lan:5000"))
                .withMirrors(Map.of("docker.io", List.of("127.0.0.1:6000", "https://mirror.example")));
        List<Endpoint> eps = Endpoint.forRegistry("docker.io", cfg);
        assertThat(eps)
                .extracting(e -> e.base().toString())
                .containsExactly("http://127.0.0.1:6000", "https://mirror.example", "https://registry-1.docker.io");
        assertThat(eps).extracting(Endpoint::mirror).containsExactly(true, true, false);
        assertThat(Endpoint.of("localhost:5000", false, cfg).base().getScheme()).isEqualTo("http");
        assertThat(Endpoint.of("reg.lan:5000", false, cfg).base().getScheme()).isEqualTo("http");
        assertThat(Endpoint.of("reg.lan:5001", false, cfg).base().getScheme()).isEqualTo("https");
        assertThat(Endpoint.of("ghcr.io", false, cfg).base().toString()).isEqualTo("https://ghcr.io");
    }

    @Test
    void tokensExpireAndAreKeptPerScopeAndUser() {
        MutableClock clock = new MutableClock();
        TokenCache cache = new TokenCache(clock);
        Optional<RegistryCredentials.Login> u = Optional.of(new RegistryCredentials.Login("u", "right"));
        String k1 = TokenCache.key("h", "repository:a:pull", u);
        String k2 = TokenCache.key("h", "repository:b:pull", u);
        cache.put(k1, "t1", Duration.ofSeconds(300));
        assertThat(cache.get(k1)).contains("t1");
        assertThat(cache.get(TokenCache.key(
                        "h", "repository:a:pull", Optional.of(new RegistryCredentials.Login("u", "right")))))
                .as("same login again")
                .contains("t1");
        assertThat(cache.get(k2)).isEmpty();
        assertThat(cache.get(TokenCache.key(
                        "h", "repository:a:pull", Optional.of(new RegistryCredentials.Login("other", "right")))))
                .isEmpty();
        assertThat(cache.get(TokenCache.key(
                        "h", "repository:a:pull", Optional.of(new RegistryCredentials.Login("u", "wrong")))))
                .as("a wrong password must not reuse the token of the right one")
                .isEmpty();
        assertThat(cache.get(TokenCache.key("h", "repository:a:pull", Optional.empty())))
                .as("anonymous")
                .isEmpty();
        assertThat(k1).doesNotContain("right");
        clock.now = clock.now.plusSeconds(295);
        assertThat(cache.get(k1)).as("refreshed shortly before expiry").isEmpty();
    }

    @Test
    void credentialsFollowRedirectsOnlyWithinTheRegistrysOrigin() {
        java.net.URI reg = java.net.URI.create("https://reg.example");
        assertThat(RegistryHttp.sameOrigin(reg, java.net.URI.create("https://reg.example/v2/x/blobs/sha256:1")))
                .isTrue();
        assertThat(RegistryHttp.sameOrigin(reg, java.net.URI.create("https://REG.example:443/v2/")))
                .isTrue();
        assertThat(RegistryHttp.sameOrigin(reg, java.net.URI.create("http://reg.example/v2/")))
                .as("https to http would send the credentials in clear")
                .isFalse();
        assertThat(RegistryHttp.sameOrigin(reg, java.net.URI.create("https://reg.example:8443/v2/")))
                .isFalse();
        assertThat(RegistryHttp.sameOrigin(reg, java.net.URI.create("https://blobs.example/x")))
                .isFalse();
        assertThat(RegistryHttp.sameOrigin(
                        java.net.URI.create("http://127.0.0.1:5000"), java.net.URI.create("http://127.0.0.1:5000/v2/")))
                .isTrue();
    }

    @Test
    void backoffGrowsAndIsCapped() {
        Retrier r = new Retrier(
                RegistryConfig.defaults().withRetries(10, Duration.ofMillis(100), Duration.ofMillis(1000)), h -> {});
        assertThat(r.backoffMillis(1)).isBetween(75L, 125L);
        assertThat(r.backoffMillis(3)).isBetween(300L, 500L);
        assertThat(r.backoffMillis(9)).isBetween(750L, 1250L);
    }

    private static final class MutableClock extends Clock {
        Instant now = Instant.parse("2024-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
