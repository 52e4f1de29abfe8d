package io.unibloc.blockstore.image;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small HTTP proxy on 127.0.0.1 in front of a real registry, recording every request and injecting
 * faults: 5xx answers, a corrupted byte in blob bodies, a blob body cut short, and (optionally) a bearer
 * token gate with its own token server at {@code /token}, as Docker Hub-style registries have.
 */
final class FaultProxy implements AutoCloseable {
    record Recorded(String method, String path, String range, String authorization) {
        boolean isBlobGet() {
            return method.equals("GET") && path.contains("/blobs/");
        }
    }

    private final HttpServer server;
    private final URI upstream;
    private final HttpClient client =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    final List<Recorded> requests = new CopyOnWriteArrayList<>();
    final List<String> tokenRequests = new CopyOnWriteArrayList<>();
    private final AtomicInteger failNext = new AtomicInteger();
    private volatile int failStatus = 503;
    private volatile boolean corruptBlobs;
    private final AtomicLong truncateNextBlobAt = new AtomicLong(-1);
    private volatile boolean stallInsteadOfCut;
    private volatile String tokenUser;
    private volatile String tokenPassword;
    private volatile boolean tokenGate;
    private final Set<String> validTokens = ConcurrentHashMap.newKeySet();

    private FaultProxy(URI upstream) throws IOException {
        this.upstream = upstream;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/token", this::token);
        server.createContext("/", this::proxy);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fault-proxy");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    static FaultProxy start(URI upstream) {
        try {
            return new FaultProxy(upstream);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    String hostPort() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    void failNext(int count, int status) {
        failStatus = status;
        failNext.set(count);
    }

    void corruptBlobs(boolean on) {
        corruptBlobs = on;
    }

    /** The next blob GET answers with its full Content-Length but closes after {@code bytes} bytes. */
    void truncateNextBlobAt(long bytes) {
        truncateNextBlobAt.set(bytes);
    }

    /** The next blob GET sends {@code bytes} bytes, then nothing for seconds (the connection stays open). */
    void stallNextBlobAt(long bytes) {
        stallInsteadOfCut = true;
        truncateNextBlobAt.set(bytes);
    }

    /** Requires {@code Bearer} tokens from this proxy's {@code /token} (which wants basic auth when user != null). */
    void requireBearer(String user, String password) {
        tokenUser = user;
        tokenPassword = password;
        tokenGate = true;
    }

    long blobGets() {
        return requests.stream().filter(Recorded::isBlobGet).count();
    }

    private void token(HttpExchange ex) throws IOException {
        String query = ex.getRequestURI().getQuery();
        tokenRequests.add(query == null ? "" : query);
        if (tokenUser != null) {
            String expected = "Basic "
                    + Base64.getEncoder()
                            .encodeToString((tokenUser + ":" + tokenPassword).getBytes(StandardCharsets.UTF_8));
            if (!expected.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                respond(ex, 401, "{\"details\":\"bad credentials\"}");
                return;
            }
        }
        String token = UUID.randomUUID().toString();
        validTokens.add(token);
        respond(ex, 200, "{\"token\":\"" + token + "\",\"expires_in\":300}");
    }

    private void proxy(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            String method = ex.getRequestMethod();
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            requests.add(new Recorded(method, path, ex.getRequestHeaders().getFirst("Range"), auth));
            if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                respond(ex, failStatus, "{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"injected\"}]}");
                return;
            }
            if (tokenGate
                    && (auth == null || !auth.startsWith("Bearer ") || !validTokens.contains(auth.substring(7)))) {
                String repo = path.startsWith("/v2/") && path.indexOf("/manifests/") > 0
                        ? path.substring(4, path.indexOf("/manifests/"))
                        : path.startsWith("/v2/") && path.indexOf("/blobs/") > 0
                                ? path.substring(4, path.indexOf("/blobs/"))
                                : "";
                ex.getResponseHeaders()
                        .add(
                                "WWW-Authenticate",
                                "Bearer realm=\"http://" + hostPort()
                                        + "/token\",service=\"fault-proxy\",scope=\"repository:" + repo + ":pull\"");
                respond(ex, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"token required\"}]}");
                return;
            }
            HttpRequest.Builder rb = HttpRequest.newBuilder(
                            upstream.resolve(ex.getRequestURI().toString()))
                    .method(method, HttpRequest.BodyPublishers.noBody());
            for (String h : List.of("Accept", "Range")) {
                String v = ex.getRequestHeaders().getFirst(h);
                if (v != null) {
                    rb.header(h, v);
                }
            }
            if (!tokenGate && auth != null) {
                rb.header("Authorization", auth);
            }
            HttpResponse<byte[]> up;
            try {
                up = client.send(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            for (Map.Entry<String, List<String>> h : up.headers().map().entrySet()) {
                String k = h.getKey().toLowerCase();
                if (!k.equals("content-length")
                        && !k.equals("transfer-encoding")
                        && !k.equals("connection")
                        && !k.startsWith(":")) {
                    h.getValue().forEach(v -> ex.getResponseHeaders().add(h.getKey(), v));
                }
            }
            byte[] body = up.body();
            boolean blob = method.equals("GET") && path.contains("/blobs/") && up.statusCode() / 100 == 2;
            if (blob && corruptBlobs && body.length > 0) {
                body = body.clone();
                body[body.length / 2] ^= 0x5a;
            }
            if (method.equals("HEAD") || body.length == 0) {
                ex.sendResponseHeaders(up.statusCode(), -1);
                return;
            }
            long cut = -1;
            if (blob) {
                long want = truncateNextBlobAt.get();
                // Only a body longer than the cut counts; the flag stays for the next one otherwise.
                if (want >= 0 && want < body.length && truncateNextBlobAt.compareAndSet(want, -1)) {
                    cut = want;
                }
            }
            ex.sendResponseHeaders(up.statusCode(), body.length);
            OutputStream out = ex.getResponseBody();
            if (cut >= 0 && cut < body.length) {
                out.write(body, 0, (int) cut);
                out.flush();
                if (stallInsteadOfCut) {
                    stallInsteadOfCut = false;
                    try {
                        Thread.sleep(5_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                // Drop the connection mid-body: the client sees fewer bytes than Content-Length promised.
                throw new IOException("injected truncation");
            }
            out.write(body);
        }
    }

    private static void respond(HttpExchange ex, int status, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
