package io.unibloc.csi.driver;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain HTTP proxy on 127.0.0.1 in front of a test registry that holds every blob download until {@link #release}:
 * a registry whose blobs stall, so that a preparation through it hangs in the middle of its pull. Manifests and
 * every other request pass straight through.
 */
final class StallingRegistryProxy implements AutoCloseable {
    private static final List<String> HEADERS =
            List.of("Content-Type", "Docker-Content-Digest", "Docker-Distribution-Api-Version", "Location");
    private final HttpServer server;
    private final HttpClient upstream = HttpClient.newHttpClient();
    private final String target;
    private final CountDownLatch released = new CountDownLatch(1);
    private final AtomicInteger stalled = new AtomicInteger();

    /** @param registry {@code host:port} of the registry to forward to */
    StallingRegistryProxy(String registry) throws IOException {
        this.target = "http://" + registry;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "stalling-registry");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::forward);
        server.start();
    }

    /** {@code 127.0.0.1:port}, to put in image references instead of the registry's. */
    String hostPort() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** How many blob downloads are being held now or were held. */
    int stalled() {
        return stalled.get();
    }

    /** Whether the held downloads are still held. */
    boolean holding() {
        return released.getCount() > 0;
    }

    void release() {
        released.countDown();
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().toString();
            if ("GET".equals(exchange.getRequestMethod()) && path.contains("/blobs/sha256:")) {
                stalled.incrementAndGet();
                if (!released.await(5, TimeUnit.MINUTES)) {
                    exchange.sendResponseHeaders(503, -1);
                    return;
                }
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target + path))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.noBody());
            String accept = exchange.getRequestHeaders().getFirst("Accept");
            if (accept != null) {
                request.header("Accept", accept);
            }
            HttpResponse<InputStream> response =
                    upstream.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            for (String name : HEADERS) {
                response.headers()
                        .firstValue(name)
                        .ifPresent(v -> exchange.getResponseHeaders().add(name, v));
            }
            long length = response.headers().firstValueAsLong("Content-Length").orElse(0);
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            if (head) {
                exchange.getResponseHeaders().add("Content-Length", Long.toString(length));
            }
            exchange.sendResponseHeaders(response.statusCode(), head || length == 0 ? -1 : length);
            try (InputStream in = response.body();
                    OutputStream out = exchange.getResponseBody()) {
                in.transferTo(out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        release();
        server.stop(0);
    }
}
