package io.unibloc.registry.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.unibloc.registry.RegistryException;
import io.unibloc.registry.auth.RegistryCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP exchange with a registry endpoint, with authentication (anonymous, basic, bearer tokens
 * obtained from the challenge's token server and cached per scope) and redirects (Authorization is
 * never sent to another host). Transport failures surface as {@link IOException} for the caller's
 * retry loop; the response is returned whatever its status. Credentials and tokens are never logged.
 */
final class RegistryHttp {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryHttp.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REDIRECTS = 5;
    private static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(60);

    private final HttpClient client;
    private final RegistryConfig config;
    private final TokenCache tokens;
    /** Hosts that asked for basic auth, so later requests send it at once. */
    private final Set<String> basicHosts = ConcurrentHashMap.newKeySet();

    RegistryHttp(RegistryConfig config, Clock clock) {
        this.config = config;
        this.tokens = new TokenCache(clock);
        this.client = HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    TokenCache tokens() {
        return tokens;
    }

    /**
     * Sends {@code method path} to {@code ep}; {@code scope} is the token scope the request needs.
     * The caller closes the returned body.
     */
    HttpResponse<InputStream> send(
            Endpoint ep,
            String scope,
            String method,
            String path,
            Map<String, String> headers,
            Optional<RegistryCredentials.Login> login)
            throws IOException {
        String tokenKey = TokenCache.key(ep.host(), scope, login);
        boolean freshToken = false;
        boolean sentBasic = false;
        for (int round = 0; round < 3; round++) {
            String authorization = tokens.get(tokenKey).map(t -> "Bearer " + t).orElse(null);
            if (authorization == null && login.isPresent() && basicHosts.contains(ep.host())) {
                authorization = basic(login.get());
                sentBasic = true;
            }
            HttpResponse<InputStream> resp = followRedirects(ep, ep.resolve(path), method, headers, authorization);
            if (resp.statusCode() != 401) {
                return resp;
            }
            List<AuthChallenge> challenges =
                    AuthChallenge.parseAll(resp.headers().allValues("WWW-Authenticate"));
            Optional<AuthChallenge> bearer =
                    challenges.stream().filter(AuthChallenge::isBearer).findFirst();
            Optional<AuthChallenge> basicCh =
                    challenges.stream().filter(AuthChallenge::isBasic).findFirst();
            if (bearer.isPresent() && !freshToken) {
                close(resp);
                tokens.invalidate(tokenKey);
                Token token = fetchToken(ep, bearer.get(), scope, login);
                tokens.put(tokenKey, token.value(), token.lifetime());
                freshToken = true;
                continue;
            }
            if (basicCh.isPresent() && login.isPresent() && !sentBasic) {
                close(resp);
                basicHosts.add(ep.host());
                continue;
            }
            return resp;
        }
        throw new IllegalStateException("unreachable");
    }

    private record Token(String value, Duration lifetime) {}

    private Token fetchToken(Endpoint ep, AuthChallenge ch, String scope, Optional<RegistryCredentials.Login> login)
            throws IOException {
        String realm = ch.param("realm")
                .orElseThrow(() -> new RegistryException(
                        RegistryException.Kind.UNAUTHENTICATED,
                        "registry " + ep.host()
                                + " asked for a bearer token without naming a token server (no realm)"));
        StringBuilder q = new StringBuilder(realm).append(realm.contains("?") ? "&" : "?");
        ch.param("service").ifPresent(s -> q.append("service=").append(enc(s)).append('&'));
        q.append("scope=").append(enc(ch.param("scope").orElse(scope)));
        URI uri;
        try {
            uri = URI.create(q.toString());
        } catch (IllegalArgumentException e) {
            throw new RegistryException(
                    RegistryException.Kind.UNAUTHENTICATED,
                    "registry " + ep.host() + " named an invalid token server: " + realm);
        }
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri).GET().timeout(config.idleTimeout());
        login.ifPresent(l -> rb.header("Authorization", basic(l)));
        LOG.debug(
                "requesting registry token registry={} realm={} scope={} user={}",
                ep.host(),
                uri.getHost(),
                scope,
                login.map(RegistryCredentials.Login::username).orElse("<anonymous>"));
        HttpResponse<byte[]> resp;
        try {
            resp = client.send(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while requesting a token from " + uri.getHost(), e);
        }
        int s = resp.statusCode();
        if (s == 401 || s == 403) {
            throw new RegistryException(
                    RegistryException.Kind.UNAUTHENTICATED,
                    "token server " + uri.getHost()
                            + " of registry " + ep.host() + " refused "
                            + login.map(l -> "the credentials of user " + l.username())
                                    .orElse("anonymous access") + " for scope " + scope + " (HTTP " + s + ")");
        }
        if (s >= 500 || s == 429) {
            throw new IOException("token server " + uri.getHost() + " answered HTTP " + s);
        }
        if (s != 200) {
            throw new RegistryException(
                    RegistryException.Kind.UNAUTHENTICATED,
                    "token server " + uri.getHost() + " of registry " + ep.host() + " answered HTTP " + s
                            + " for scope " + scope);
        }
        JsonNode body;
        try {
            body = JSON.readTree(resp.body());
        } catch (IOException e) {
            throw new RegistryException(
                    RegistryException.Kind.UNAUTHENTICATED,
                    "token server " + uri.getHost() + " answered with something that is not JSON");
        }
        String token = body.hasNonNull("token")
                ? body.get("token").asText()
                : body.hasNonNull("access_token") ? body.get("access_token").asText() : null;
        if (token == null || token.isEmpty()) {
            throw new RegistryException(
                    RegistryException.Kind.UNAUTHENTICATED,
                    "token server " + uri.getHost() + " answered without a token");
        }
        long expires = body.path("expires_in").asLong(0);
        return new Token(token, expires > 0 ? Duration.ofSeconds(expires) : DEFAULT_TOKEN_LIFETIME);
    }

    private HttpResponse<InputStream> followRedirects(
            Endpoint ep, URI uri, String method, Map<String, String> headers, String authorization) throws IOException {
        URI current = uri;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder rb = HttpRequest.newBuilder(current)
                    .method(method, HttpRequest.BodyPublishers.noBody())
                    .timeout(config.idleTimeout());
            headers.forEach(rb::header);
            if (authorization != null && sameOrigin(ep.base(), current)) {
                rb.header("Authorization", authorization);
            }
            HttpResponse<InputStream> resp;
            try {
                resp = client.send(rb.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while talking to " + current.getHost(), e);
            }
            int s = resp.statusCode();
            if (s == 301 || s == 302 || s == 303 || s == 307 || s == 308) {
                Optional<String> loc = resp.headers().firstValue("Location");
                close(resp);
                if (loc.isEmpty()) {
                    throw new IOException("redirect without Location from " + current.getHost());
                }
                current = current.resolve(loc.get());
                continue;
            }
            return resp;
        }
        throw new IOException("more than " + MAX_REDIRECTS + " redirects from " + uri.getHost());
    }

    /**
     * Whether a request to {@code target} may carry the registry's Authorization: only to the registry's
     * own origin (scheme, host, effective port). A redirect to blob storage elsewhere must not get it, and
     * an https to http redirect must not send it in clear (getPort() is -1 for both schemes' defaults).
     */
    static boolean sameOrigin(URI registry, URI target) {
        return registry.getScheme() != null
                && registry.getScheme().equalsIgnoreCase(target.getScheme())
                && registry.getHost() != null
                && registry.getHost().equalsIgnoreCase(target.getHost())
                && effectivePort(registry) == effectivePort(target);
    }

    private static int effectivePort(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : "http".equalsIgnoreCase(uri.getScheme()) ? 80 : -1;
    }

    static void close(HttpResponse<InputStream> resp) {
        try {
            resp.body().close();
        } catch (IOException ignored) {
            // the connection is discarded either way
        }
    }

    private static String basic(RegistryCredentials.Login l) {
        return "Basic "
                + Base64.getEncoder()
                        .encodeToString((l.username() + ":" + l.password()).getBytes(StandardCharsets.UTF_8));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
