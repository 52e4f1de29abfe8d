package io.unibloc.csi.common.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /metrics} (Prometheus text format) and {@code /healthz} (200 "ok" or 503 with the reason)
 * over plain HTTP on all interfaces. Port 0 picks a free port (tests).
 */
public final class OpsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OpsServer.class);
    private final HttpServer server;
    private final ExecutorService executor;

    private OpsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** What {@code /healthz} reports. */
    public record Health(boolean healthy, String detail) {
        public static Health ok() {
            return new Health(true, "ok");
        }
    }

    public static OpsServer start(int port, PrometheusMeterRegistry registry, Supplier<Health> health) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(port), 16);
            server.createContext("/metrics", exchange -> {
                try (exchange) {
                    respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
                }
            });
            server.createContext("/healthz", exchange -> {
                try (exchange) {
                    Health h = safely(health);
                    respond(exchange, h.healthy() ? 200 : 503, "text/plain; charset=utf-8", h.detail() + "\n");
                }
            });
            ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "ops-http");
                t.setDaemon(true);
                return t;
            });
            server.setExecutor(executor);
            server.start();
            LOG.info("serving metrics and health port={}", server.getAddress().getPort());
            return new OpsServer(server, executor);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve metrics on port " + port, e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static Health safely(Supplier<Health> health) {
        try {
            return health.get();
        } catch (RuntimeException e) {
            return new Health(false, "health check failed: " + e.getMessage());
        }
    }

    private static void respond(HttpExchange exchange, int code, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
