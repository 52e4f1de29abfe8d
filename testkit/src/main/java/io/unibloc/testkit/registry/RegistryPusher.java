package io.unibloc.testkit.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writing half of the OCI distribution API, enough to put test images into a registry: monolithic blob upload
 * ({@code POST} then {@code PUT ?digest=}), manifest {@code PUT} by tag or digest, and blob {@code DELETE} for tests
 * of pulls that meet a missing blob.
 *
 * <p>With credentials, every request carries a basic {@code Authorization} header up front (the test registry
 * uses htpasswd, never token auth). Any unexpected status is a {@link RegistryException} naming method, URL, status
 * and the registry's error body; transport failures are {@link UncheckedIOException}. Uploading a blob that is
 * already there is a no-op, putting the same manifest twice is harmless and deleting a missing blob is a no-op,
 * so every method is idempotent.
 */
public final class RegistryPusher {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryPusher.class);
    // The distribution spec's repository name grammar.
    private static final Pattern REPOSITORY =
            Pattern.compile("[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}");

    private final URI base;
    private final Optional<Credentials> credentials;
    private final HttpClient http;

    /**
     * @param base the registry's base URL, e.g. {@code http://127.0.0.1:5000}
     * @param credentials sent as basic auth with every request when present
     */
    public RegistryPusher(URI base, Optional<Credentials> credentials) {
        this.base = Objects.requireNonNull(base, "base");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Whether {@code HEAD /v2/<repository>/blobs/<digest>} answers 200. */
    public boolean blobExists(String repository, String digest) {
        checkRepository(repository);
        checkDigest(digest);
        URI uri = base.resolve("/v2/" + repository + "/blobs/" + digest);
        HttpResponse<String> response = send(request(uri).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        if (response.statusCode() == 200) {
            return true;
        }
        if (response.statusCode() == 404) {
            return false;
        }
        throw unexpected("HEAD", uri, response);
    }

    /**
     * Uploads a blob in one piece unless the registry already has it. The registry checks the digest itself and
     * answers 400 {@code DIGEST_INVALID} on a mismatch, which surfaces as {@link RegistryException}.
     */
    public void pushBlob(String repository, String digest, byte[] content) {
        if (blobExists(repository, digest)) {
            LOG.debug("blob already present repository={} digest={}", repository, digest);
            return;
        }
        URI start = base.resolve("/v2/" + repository + "/blobs/uploads/");
        HttpResponse<String> started = send(request(start).POST(HttpRequest.BodyPublishers.noBody()));
        if (started.statusCode() != 202) {
            throw unexpected("POST", start, started);
        }
        String location = started.headers()
                .firstValue("Location")
                .orElseThrow(() -> new RegistryException(
                        "POST " + start + " answered 202 without a Location header" + " for blob " + digest, 202));
        URI upload = start.resolve(location);
        URI put = URI.create(upload + (upload.getRawQuery() == null ? "?" : "&") + "digest=" + digest);
        HttpResponse<String> done = send(request(put)
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content)));
        if (done.statusCode() != 201) {
            throw unexpected("PUT", put, done);
        }
        LOG.debug("blob pushed repository={} digest={} size={}", repository, digest, content.length);
    }

    /**
     * Deletes a blob from a repository, so that later pulls of a manifest referring to it get 404
     * ({@code BLOB_UNKNOWN}). Deleting an absent blob is a no-op.
     */
    public void deleteBlob(String repository, String digest) {
        checkRepository(repository);
        checkDigest(digest);
        URI uri = base.resolve("/v2/" + repository + "/blobs/" + digest);
        HttpResponse<String> response = send(request(uri).DELETE());
        if (response.statusCode() != 202 && response.statusCode() != 404) {
            throw unexpected("DELETE", uri, response);
        }
    }

    /**
     * Puts a manifest (or index) under a tag or digest reference.
     *
     * @return the digest the registry computed ({@code Docker-Content-Digest} header)
     */
    public String putManifest(String repository, String reference, String mediaType, byte[] manifest) {
        checkRepository(repository);
        if (!TAG.matcher(reference).matches() && !DIGEST.matcher(reference).matches()) {
            throw new IllegalArgumentException("manifest reference '" + reference
                    + "' is neither a tag ([A-Za-z0-9_][A-Za-z0-9._-]{0,127}) nor a sha256 digest");
        }
        URI uri = base.resolve("/v2/" + repository + "/manifests/" + reference);
        HttpResponse<String> response = send(
                request(uri).header("Content-Type", mediaType).PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)));
        if (response.statusCode() != 201) {
            throw unexpected("PUT", uri, response);
        }
        String digest = response.headers()
                .firstValue("Docker-Content-Digest")
                .orElseThrow(() -> new RegistryException(
                        "PUT " + uri + " answered 201 without a" + " Docker-Content-Digest header", 201));
        LOG.debug("manifest pushed repository={} reference={} digest={}", repository, reference, digest);
        return digest;
    }

    @Override
    public String toString() {
        return "RegistryPusher[" + base + ", auth=" + credentials.isPresent() + "]";
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60));
        credentials.ifPresent(c -> builder.header("Authorization", c.authorizationHeader()));
        return builder;
    }

    private HttpResponse<String> send(HttpRequest.Builder builder) {
        HttpRequest request = builder.build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + request.method() + " " + request.uri(), e);
        }
    }

    private static RegistryException unexpected(String method, URI uri, HttpResponse<String> response) {
        String body = response.body() == null ? "" : response.body().strip();
        if (body.length() > 500) {
            body = body.substring(0, 500) + "...";
        }
        return new RegistryException(
                method + " " + uri + " answered " + response.statusCode() + (body.isEmpty() ? "" : ": " + body),
                response.statusCode());
    }

    private static void checkRepository(String repository) {
        if (repository == null || !REPOSITORY.matcher(repository).matches()) {
            throw new IllegalArgumentException(
                    "repository name '" + repository
                            + "' is not valid for a registry (lowercase [a-z0-9] components separated by '/', '.', '_' or '-')");
        }
    }

    private static void checkDigest(String digest) {
        if (digest == null || !DIGEST.matcher(digest).matches()) {
            throw new IllegalArgumentException("digest '" + digest + "' is not sha256:<64 lowercase hex>");
        }
    }
}
