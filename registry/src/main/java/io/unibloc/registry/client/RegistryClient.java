package io.unibloc.registry.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.unibloc.registry.RegistryException;
import io.unibloc.registry.auth.RegistryCredentials;
import io.unibloc.registry.ref.Digest;
import io.unibloc.registry.ref.ImageReference;
import io.unibloc.registry.ref.Sha256;
import io.unibloc.types.PullCancelledException;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OCI distribution API client: manifests by tag or digest, tag → digest resolution (HEAD), and
 * blob downloads verified while they stream, resumed with {@code Range} after a broken connection and
 * retried with back-off. Mirrors of a registry are tried first, in order; the registry itself last.
 * Thread-safe; one instance shares connections and cached tokens across pulls.
 *
 * <p>Errors: NOT_FOUND (HTTP 404), UNAUTHENTICATED (401/403, refused token), UNAVAILABLE (unreachable,
 * 5xx or broken downloads after the retries), INVALID_ARGUMENT (content that does not match its
 * digest, oversized manifests, other 4xx). Messages name the registry, repository and blob.
 */
public final class RegistryClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Manifests are small; a larger answer is a broken or hostile registry, not something to buffer. */
    static final int MAX_MANIFEST_BYTES = 4 << 20;

    private static final String MANIFEST_ACCEPT = String.join(
            ", ",
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.docker.distribution.manifest.v2+json");

    private final RegistryConfig config;
    private final RegistryHttp http;
    private final Retrier retrier;
    private final ScheduledExecutorService timer;

    public RegistryClient(RegistryConfig config, MeterRegistry meters) {
        this.config = config;
        this.http = new RegistryHttp(config, Clock.systemUTC());
        this.retrier = new Retrier(
                config,
                registry -> meters.counter("unibloc.pull.retries", "registry", registry)
                        .increment());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "unibloc-registry-stall-guard");
            t.setDaemon(true);
            return t;
        });
    }

    public RegistryConfig config() {
        return config;
    }

    /**
     * GETs the manifest {@code key} (a tag or digest) of {@code ref}'s repository. The bytes are checked
     * against the digest when {@code key} is one.
     */
    public ManifestResponse getManifest(ImageReference ref, String key, RegistryCredentials credentials) {
        String path = "/v2/" + ref.repository() + "/manifests/" + key;
        return onEndpoints(
                ref,
                "manifest " + key,
                ep -> retrier.run("manifest " + key + " of " + name(ep, ref), ep.host(), () -> {
                    HttpResponse<InputStream> resp =
                            send(ep, ref, "GET", path, Map.of("Accept", MANIFEST_ACCEPT), credentials);
                    checkStatus(resp, ep, ref, "manifest " + key);
                    byte[] bytes;
                    try (InputStream in = resp.body()) {
                        bytes = in.readNBytes(MAX_MANIFEST_BYTES + 1);
                    } catch (IOException e) {
                        throw new Retrier.Transient("reading the manifest broke: " + e.getMessage(), e);
                    }
                    if (bytes.length > MAX_MANIFEST_BYTES) {
                        throw RegistryException.invalid("manifest " + key + " of " + name(ep, ref) + " is larger than "
                                + MAX_MANIFEST_BYTES + " bytes");
                    }
                    Digest actual = Sha256.of(bytes);
                    Optional<Digest> asked =
                            key.startsWith("sha256:") ? Optional.of(Digest.parse(key)) : Optional.empty();
                    Optional<Digest> claimed =
                            resp.headers().firstValue("Docker-Content-Digest").flatMap(RegistryClient::digestOrEmpty);
                    for (Digest expected : asked.or(() -> claimed).stream().toList()) {
                        if (!expected.equals(actual)) {
                            throw RegistryException.invalid(
                                    "manifest " + expected + " from " + name(ep, ref) + ": content has digest " + actual
                                            + "; the download was corrupted or the registry is lying");
                        }
                    }
                    String type = resp.headers()
                            .firstValue("Content-Type")
                            .map(t -> t.split(";")[0].trim())
                            .orElse(null);
                    return new ManifestResponse(bytes, type, actual, ep.host());
                }));
    }

    /** The digest the tag of {@code ref} points to now (HEAD; GET when the registry sends no digest header). */
    public Digest resolve(ImageReference ref, RegistryCredentials credentials) {
        if (ref.digest() != null) {
            return ref.digest();
        }
        String path = "/v2/" + ref.repository() + "/manifests/" + ref.tag();
        Optional<Digest> headed = onEndpoints(
                ref,
                "tag " + ref.tag(),
                ep -> retrier.run("tag " + ref.tag() + " of " + name(ep, ref), ep.host(), () -> {
                    HttpResponse<InputStream> resp =
                            send(ep, ref, "HEAD", path, Map.of("Accept", MANIFEST_ACCEPT), credentials);
                    RegistryHttp.close(resp);
                    checkStatus(resp, ep, ref, "tag " + ref.tag());
                    return resp.headers().firstValue("Docker-Content-Digest").flatMap(RegistryClient::digestOrEmpty);
                }));
        return headed.orElseGet(() -> getManifest(ref, ref.tag(), credentials).digest());
    }

    /**
     * Downloads blob {@code digest} of {@code ref}'s repository into {@code writer} and commits it.
     * {@code size} is the declared size (-1 unknown); {@code onBytes} receives each chunk's length and may
     * throw {@link PullCancelledException} to stop the download: it is rethrown as is, and neither a retry nor
     * the next endpoint (a mirror's registry) is tried. A broken transfer resumes where it stopped; a mismatch
     * discards the bytes.
     */
    public void downloadBlob(
            ImageReference ref,
            Digest digest,
            long size,
            BlobSink writer,
            RegistryCredentials credentials,
            LongConsumer onBytes) {
        String path = "/v2/" + ref.repository() + "/blobs/" + digest;
        onEndpoints(ref, "blob " + digest, ep -> {
            String where = name(ep, ref);
            retrier.run("download of blob " + digest + " from " + where, ep.host(), () -> {
                transferOnce(ep, ref, path, digest, size, writer, credentials, onBytes);
                return null;
            });
            writer.complete(where);
            return null;
        });
    }

    private void transferOnce(
            Endpoint ep,
            ImageReference ref,
            String path,
            Digest digest,
            long size,
            BlobSink writer,
            RegistryCredentials credentials,
            LongConsumer onBytes) {
        long from = writer.written();
        Map<String, String> headers = from > 0 ? Map.of("Range", "bytes=" + from + "-") : Map.of();
        HttpResponse<InputStream> resp = send(ep, ref, "GET", path, headers, credentials);
        int s = resp.statusCode();
        if (s == 416) {
            RegistryHttp.close(resp);
            writer.reset();
            throw new Retrier.Transient("registry refused the range from byte " + from, null);
        }
        checkStatus(resp, ep, ref, "blob " + digest);
        if (s == 206) {
            long start = contentRangeStart(resp);
            if (start != from) {
                RegistryHttp.close(resp);
                writer.reset();
                throw new Retrier.Transient("registry answered range from " + start + " instead of " + from, null);
            }
            LOG.info("resuming blob download blob={} registry={} fromByte={}", digest.shortHex(), ep.host(), from);
        } else if (from > 0) {
            writer.reset(); // the registry ignored Range and sends the whole blob
        }
        boolean stalled;
        try (StallGuard guard = new StallGuard(timer, config.idleTimeout());
                InputStream in = guard.wrap(resp.body())) {
            try {
                writer.transferFrom(in, onBytes);
            } catch (IOException e) {
                String why =
                        guard.fired() ? "no data for " + config.idleTimeout().toMillis() + " ms" : e.getMessage();
                throw new Retrier.Transient("connection broke after " + writer.written() + " bytes (" + why + ")", e);
            }
            stalled = guard.fired();
        } catch (IOException e) {
            throw new Retrier.Transient("closing the download failed: " + e.getMessage(), e);
        }
        if (stalled && (size < 0 || writer.written() < size)) {
            throw new Retrier.Transient(
                    "no data for " + config.idleTimeout().toMillis() + " ms after " + writer.written() + " bytes",
                    null);
        }
        if (size >= 0 && writer.written() < size) {
            throw new Retrier.Transient("download ended after " + writer.written() + " of " + size + " bytes", null);
        }
    }

    private static long contentRangeStart(HttpResponse<?> resp) {
        // Content-Range: bytes START-END/TOTAL
        String cr = resp.headers().firstValue("Content-Range").orElse("");
        try {
            String r = cr.substring(cr.indexOf(' ') + 1);
            return Long.parseLong(r.substring(0, r.indexOf('-')).trim());
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private HttpResponse<InputStream> send(
            Endpoint ep,
            ImageReference ref,
            String method,
            String path,
            Map<String, String> headers,
            RegistryCredentials credentials) {
        try {
            return http.send(
                    ep,
                    "repository:" + ref.repository() + ":pull",
                    method,
                    path,
                    headers,
                    credentials.forRegistry(ep.host()));
        } catch (IOException e) {
            throw new Retrier.Transient(describe(e), e);
        }
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        String kind = e.getClass().getSimpleName();
        return m == null || m.isBlank() ? kind : kind + ": " + m;
    }

    /** Maps an error status to the taxonomy; 5xx/429/408 become retryable. Returns for 2xx. */
    private void checkStatus(HttpResponse<InputStream> resp, Endpoint ep, ImageReference ref, String what) {
        int s = resp.statusCode();
        if (s >= 200 && s < 300) {
            return;
        }
        String detail = errorDetail(resp);
        String msg = what + " of " + name(ep, ref) + ": HTTP " + s + detail;
        if (s >= 500 || s == 429 || s == 408) {
            throw new Retrier.Transient("HTTP " + s + detail, null);
        }
        switch (s) {
            case 401, 403 ->
                throw new RegistryException(
                        RegistryException.Kind.UNAUTHENTICATED,
                        msg + " (access refused" + (ep.host() != null ? "; check the credentials for " + ep.host() : "")
                                + ")");
            case 404 -> throw RegistryException.notFound(msg + " (not found)");
            default -> throw RegistryException.invalid(msg);
        }
    }

    /** The registry's own error codes, e.g. ": MANIFEST_UNKNOWN manifest unknown"; never more than a line. */
    private static String errorDetail(HttpResponse<InputStream> resp) {
        try (InputStream in = resp.body()) {
            byte[] b = in.readNBytes(8192);
            JsonNode errors = JSON.readTree(b).path("errors");
            StringBuilder sb = new StringBuilder();
            for (JsonNode e : errors) {
                sb.append(sb.length() == 0 ? ": " : "; ")
                        .append(e.path("code").asText(""))
                        .append(' ')
                        .append(e.path("message").asText(""));
            }
            String s = sb.toString().replaceAll("\\s+", " ");
            return s.length() > 300 ? s.substring(0, 300) + "…" : s;
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private <T> T onEndpoints(ImageReference ref, String what, Function<Endpoint, T> op) {
        List<Endpoint> endpoints = Endpoint.forRegistry(ref.registry(), config);
        for (Endpoint ep : endpoints) {
            try {
                return op.apply(ep);
            } catch (PullCancelledException e) {
                throw e; // the caller stopped the pull: no other source is asked for what it no longer wants
            } catch (RuntimeException e) { // a registry error or the sink's own (a mirror served bad bytes)
                if (!ep.mirror()) {
                    throw e;
                }
                LOG.info(
                        "mirror failed, trying the next source what={} mirror={} registry={} error={}",
                        what,
                        ep.base(),
                        ref.registry(),
                        e.getMessage());
            }
        }
        throw new IllegalStateException("no endpoint for " + ref.registry());
    }

    private static String name(Endpoint ep, ImageReference ref) {
        return "registry " + ep.host() + (ep.mirror() ? " (mirror of " + ref.registry() + ")" : "") + " repository "
                + ref.repository();
    }

    private static Optional<Digest> digestOrEmpty(String text) {
        try {
            return Optional.of(Digest.parse(text.trim()));
        } catch (RegistryException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
