package io.unibloc.testkit.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RegistryProcessIT {
    private static final byte[] BLOB = "hello registry".getBytes(StandardCharsets.UTF_8);
    private static final String BLOB_DIGEST =
            "sha256:" + java.util.HexFormat.of().formatHex(sha256(BLOB));

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void anonymousRegistryAnswersV2AndIsGoneAfterClose() throws Exception {
        Path storage;
        ProcessHandle process;
        try (TestRegistry registry = TestRegistry.start()) {
            storage = registry.storageDir();
            process = ProcessHandle.of(registry.pid()).orElseThrow();

            HttpResponse<String> response = get(registry.url().resolve("/v2/"), Optional.empty());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Docker-Distribution-Api-Version"))
                    .hasValue("registry/2.0");
            assertThat(registry.hostPort()).isEqualTo("127.0.0.1:" + registry.port());
            assertThat(registry.url().toString()).isEqualTo("http://" + registry.hostPort());
            assertThat(registry.credentials()).isEmpty();
            assertThat(registry.dockerConfigJson()).isEqualTo("{\"auths\":{}}");
            assertThat(storage).isDirectory();
            registry.close();
            registry.close(); // idempotent
        }
        assertThat(process.isAlive()).isFalse();
        assertThat(storage).doesNotExist();
        assertThat(storage.getParent()).doesNotExist();
    }

    @Test
    void blobPushedByTheClientIsStoredUnderItsDigest() throws Exception {
        try (TestRegistry registry = TestRegistry.start()) {
            RegistryPusher client = registry.client();
            assertThat(client.blobExists("demo/blob", BLOB_DIGEST)).isFalse();

            client.pushBlob("demo/blob", BLOB_DIGEST, BLOB);
            client.pushBlob("demo/blob", BLOB_DIGEST, BLOB); // second push is a no-op

            assertThat(client.blobExists("demo/blob", BLOB_DIGEST)).isTrue();
            HttpResponse<byte[]> blob = http.send(
                    HttpRequest.newBuilder(registry.url().resolve("/v2/demo/blob/blobs/" + BLOB_DIGEST))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(blob.statusCode()).isEqualTo(200);
            assertThat(blob.body()).isEqualTo(BLOB);
            assertThat(blob.headers().firstValue("Docker-Content-Digest")).hasValue(BLOB_DIGEST);
            // The filesystem driver really keeps it in the temporary storage dir.
            assertThat(registry.storageDir()
                            .resolve("docker/registry/v2/blobs/sha256/" + BLOB_DIGEST.substring(7, 9) + "/"
                                    + BLOB_DIGEST.substring(7) + "/data"))
                    .hasBinaryContent(BLOB);
        }
    }

    @Test
    void blobFileLetsATestCorruptOrDeleteWhatTheRegistryServes() throws Exception {
        try (TestRegistry registry = TestRegistry.start()) {
            registry.client().pushBlob("demo/hostile", BLOB_DIGEST, BLOB);
            URI uri = registry.url().resolve("/v2/demo/hostile/blobs/" + BLOB_DIGEST);
            byte[] corrupt = "HELLO REGISTRY".getBytes(StandardCharsets.UTF_8);

            Files.write(registry.blobFile(BLOB_DIGEST), corrupt);
            HttpResponse<byte[]> served =
                    http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());

            assertThat(served.body()).isEqualTo(corrupt);
            assertThat(served.headers().firstValue("Docker-Content-Digest")).hasValue(BLOB_DIGEST);

            registry.client().deleteBlob("demo/hostile", BLOB_DIGEST);
            registry.client().deleteBlob("demo/hostile", BLOB_DIGEST);
            assertThat(http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding())
                            .statusCode())
                    .isEqualTo(404);
        }
    }

    @Test
    void registryRejectsABlobWhoseContentDoesNotMatchTheDigest() {
        try (TestRegistry registry = TestRegistry.start()) {
            assertThatThrownBy(() -> registry.client().pushBlob("demo/bad", BLOB_DIGEST, "other".getBytes()))
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining("DIGEST_INVALID")
                    .satisfies(e -> assertThat(((RegistryException) e).status()).isEqualTo(400));
        }
    }

    @Test
    void basicAuthRegistryRefusesAnonymousAndWrongPasswordButAcceptsCredentials() throws Exception {
        try (TestRegistry registry = TestRegistry.withBasicAuth("alice", "s3cret pass")) {
            URI v2 = registry.url().resolve("/v2/");

            HttpResponse<String> anonymous = get(v2, Optional.empty());
            HttpResponse<String> wrong = get(v2, Optional.of(new Credentials("alice", "wrong")));
            HttpResponse<String> right = get(v2, Optional.of(new Credentials("alice", "s3cret pass")));

            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
                    .hasValueSatisfying(h -> assertThat(h).startsWith("Basic realm="));
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(right.statusCode()).isEqualTo(200);
            assertThat(registry.credentials()).hasValue(new Credentials("alice", "s3cret pass"));
            assertThat(registry.credentials().orElseThrow().toString()).doesNotContain("s3cret");

            assertThatThrownBy(() -> new RegistryPusher(registry.url(), Optional.empty())
                            .pushBlob("demo/auth", BLOB_DIGEST, BLOB))
                    .isInstanceOf(RegistryException.class)
                    .satisfies(e -> assertThat(((RegistryException) e).status()).isEqualTo(401));
            registry.client().pushBlob("demo/auth", BLOB_DIGEST, BLOB);
            assertThat(registry.client().blobExists("demo/auth", BLOB_DIGEST)).isTrue();

            assertThat(registry.dockerConfigJson())
                    .isEqualTo("{\"auths\":{\"" + registry.hostPort()
                            + "\":{\"auth\":\""
                            + java.util.Base64.getEncoder()
                                    .encodeToString("alice:s3cret pass".getBytes(StandardCharsets.UTF_8))
                            + "\"}}}");

            String htpasswd = Files.readString(registry.storageDir().resolveSibling("htpasswd"));
            assertThat(htpasswd).startsWith("alice:$2").doesNotContain("s3cret");
        }
    }

    @Test
    void twoRegistriesRunSideBySideOnDifferentPorts() {
        try (TestRegistry a = TestRegistry.start();
                TestRegistry b = TestRegistry.start()) {
            assertThat(a.port()).isNotEqualTo(b.port());
            assertThat(a.storageDir()).isNotEqualTo(b.storageDir());
            a.client().pushBlob("demo/a", BLOB_DIGEST, BLOB);
            assertThat(b.client().blobExists("demo/a", BLOB_DIGEST)).isFalse();
        }
    }

    @Test
    void clientRejectsInvalidNamesBeforeAnyRequest() {
        RegistryPusher client = new RegistryPusher(URI.create("http://127.0.0.1:1"), Optional.empty());

        assertThatThrownBy(() -> client.blobExists("Demo/Upper", BLOB_DIGEST))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Demo/Upper");
        assertThatThrownBy(() -> client.putManifest("demo", "bad tag", "x", new byte[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad tag");
        assertThatThrownBy(() -> client.blobExists("demo", "sha256:xyz"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sha256:xyz");
    }

    private HttpResponse<String> get(URI uri, Optional<Credentials> credentials) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        credentials.ifPresent(c -> request.header("Authorization", c.authorizationHeader()));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] sha256(byte[] data) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
