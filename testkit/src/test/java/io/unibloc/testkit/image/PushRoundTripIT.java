package io.unibloc.testkit.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.unibloc.testkit.registry.Credentials;
import io.unibloc.testkit.registry.RegistryException;
import io.unibloc.testkit.registry.TestRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** Pushes test images to a real registry and pulls them back with nothing but java.net.http. */
class PushRoundTripIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCEPT = String.join(
            ",",
            ImageFormat.OCI.indexMediaType(),
            ImageFormat.OCI.manifestMediaType(),
            ImageFormat.DOCKER.indexMediaType(),
            ImageFormat.DOCKER.manifestMediaType());

    @AutoClose
    static final TestRegistry REGISTRY = TestRegistry.start();

    private final HttpClient http = HttpClient.newHttpClient();

    private static final TestLayer BASE = TestLayer.builder()
            .dir("boot")
            .file("boot/vmlinuz", new byte[4096])
            .dir("etc")
            .file("etc/hostname", "unibloc\n")
            .build(Compression.GZIP);
    private static final TestLayer APP = TestLayer.builder()
            .file(
                    "usr/bin/app",
                    "#!/bin/sh\necho hi\n",
                    Attrs.defaults().mode(0755).owner(1000, 1000))
            .symlink("usr/bin/hi", "app")
            .whiteout("etc/hostname")
            .build(Compression.ZSTD);
    private static final TestLayer ARM =
            TestLayer.builder().file("arch", "arm64").build(Compression.NONE);

    @Test
    void multiPlatformIndexPullsBackWithMatchingDigests() throws Exception {
        TestIndex index = TestIndex.of(
                TestImage.builder()
                        .platform(Platform.LINUX_AMD64)
                        .layers(BASE, APP)
                        .label("io.unibloc.kernel", "/boot/vmlinuz")
                        .build(),
                TestImage.builder()
                        .platform(Platform.LINUX_ARM64)
                        .layers(BASE, ARM)
                        .build());

        PushedImage pushed = index.push(REGISTRY, "unibloc/roundtrip", "multi");

        assertThat(pushed.reference()).isEqualTo(REGISTRY.hostPort() + "/unibloc/roundtrip:multi");
        assertThat(pushed.pinnedReference()).isEqualTo(REGISTRY.hostPort() + "/unibloc/roundtrip@" + index.digest());
        String repo = "/v2/unibloc/roundtrip";

        // By tag: the index.
        HttpResponse<byte[]> indexResponse = getVerified(repo + "/manifests/multi", pushed.digest());
        assertThat(indexResponse.headers().firstValue("Content-Type")).hasValue(ImageFormat.OCI.indexMediaType());
        JsonNode indexJson = JSON.readTree(indexResponse.body());
        JsonNode amd64Entry = null;
        for (JsonNode entry : indexJson.path("manifests")) {
            if (entry.path("platform").path("architecture").asText().equals("amd64")) {
                amd64Entry = entry;
            }
        }
        assertThat(amd64Entry).as("amd64 entry in %s", indexJson).isNotNull();
        ManifestDigests expected = pushed.digests().manifest(Platform.LINUX_AMD64);
        assertThat(amd64Entry.path("digest").asText()).isEqualTo(expected.digest());

        // By digest: the amd64 manifest, its config, each layer.
        JsonNode manifest = JSON.readTree(getVerified(repo + "/manifests/" + expected.digest(), expected.digest())
                .body());
        String configDigest = manifest.path("config").path("digest").asText();
        assertThat(configDigest).isEqualTo(expected.configDigest());
        JsonNode config = JSON.readTree(
                getVerified(repo + "/blobs/" + configDigest, configDigest).body());
        assertThat(config.path("config")
                        .path("Labels")
                        .path("io.unibloc.kernel")
                        .asText())
                .isEqualTo("/boot/vmlinuz");
        List<String> layerDigests = new ArrayList<>();
        List<String> diffIds = new ArrayList<>();
        for (JsonNode layer : manifest.path("layers")) {
            String digest = layer.path("digest").asText();
            byte[] blob = getVerified(repo + "/blobs/" + digest, digest).body();
            assertThat((long) blob.length).isEqualTo(layer.path("size").asLong());
            layerDigests.add(digest);
            Compression compression =
                    layer.path("mediaType").asText().endsWith("+zstd") ? Compression.ZSTD : Compression.GZIP;
            TarContents tar = TarContents.read(blob, compression);
            diffIds.add(Digests.sha256(LayerBlobs.decompress(blob, compression)));
            if (compression == Compression.ZSTD) {
                assertThat(tar.names()).containsExactly("usr/bin/app", "usr/bin/hi", "etc/.wh.hostname");
                assertThat(tar.entry("usr/bin/app").getMode() & 07777).isEqualTo(0755);
                assertThat(tar.entry("usr/bin/app").getLongUserId()).isEqualTo(1000);
            }
        }
        assertThat(layerDigests)
                .containsExactlyElementsOf(expected.layerDigests())
                .containsExactly(BASE.digest(), APP.digest());
        assertThat(diffIds).containsExactlyElementsOf(expected.diffIds());
        List<String> configDiffIds = new ArrayList<>();
        config.path("rootfs").path("diff_ids").forEach(n -> configDiffIds.add(n.asText()));
        assertThat(configDiffIds).isEqualTo(diffIds);

        // HEAD by tag reports the same digest without a body.
        HttpResponse<Void> head = http.send(
                HttpRequest.newBuilder(REGISTRY.url().resolve(repo + "/manifests/multi"))
                        .header("Accept", ACCEPT)
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(head.headers().firstValue("Docker-Content-Digest")).hasValue(index.digest());
    }

    @Test
    void dockerSchema2ImagePullsBackWithDockerMediaTypes() throws Exception {
        TestImage image =
                TestImage.builder().format(ImageFormat.DOCKER).layers(BASE).build();

        PushedImage pushed = image.push(REGISTRY, "unibloc/docker", "v2");

        HttpResponse<byte[]> response = getVerified("/v2/unibloc/docker/manifests/v2", image.digest());
        assertThat(response.headers().firstValue("Content-Type")).hasValue(ImageFormat.DOCKER.manifestMediaType());
        assertThat(pushed.digests().manifest().configDigest()).isEqualTo(image.configDigest());
        getVerified("/v2/unibloc/docker/blobs/" + image.configDigest(), image.configDigest());
        getVerified("/v2/unibloc/docker/blobs/" + BASE.digest(), BASE.digest());
    }

    @Test
    void pushingAgainRetagsAndKeepsDigests() throws Exception {
        TestImage v1 = TestImage.builder().layers(BASE).build();
        TestImage v2 = TestImage.builder().layers(BASE, APP).build();

        v1.push(REGISTRY, "unibloc/retag", "latest");
        v2.push(REGISTRY, "unibloc/retag", "latest");
        v2.push(REGISTRY, "unibloc/retag", "latest");

        getVerified("/v2/unibloc/retag/manifests/latest", v2.digest());
        getVerified("/v2/unibloc/retag/manifests/" + v1.digest(), v1.digest());
    }

    @Test
    void pushToBasicAuthRegistryNeedsItsCredentials() throws Exception {
        try (TestRegistry secured = TestRegistry.withBasicAuth("bob", "hunter2")) {
            TestImage image = TestImage.builder().layers(BASE).build();

            Assertions.assertThatThrownBy(() -> image.push(secured.url(), Optional.empty(), "private/app", "1"))
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining("401");
            Assertions.assertThatThrownBy(() ->
                            image.push(secured.url(), Optional.of(new Credentials("bob", "wrong")), "private/app", "1"))
                    .isInstanceOf(RegistryException.class);
            PushedImage pushed = image.push(secured, "private/app", "1");

            URI uri = secured.url().resolve("/v2/private/app/manifests/1");
            HttpResponse<byte[]> anonymous = http.send(
                    HttpRequest.newBuilder(uri).header("Accept", ACCEPT).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            HttpResponse<byte[]> authorized = http.send(
                    HttpRequest.newBuilder(uri)
                            .header("Accept", ACCEPT)
                            .header("Authorization", new Credentials("bob", "hunter2").authorizationHeader())
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(authorized.statusCode()).isEqualTo(200);
            assertThat(Digests.sha256(authorized.body()))
                    .isEqualTo(pushed.digest())
                    .isEqualTo(image.digest());
        }
    }

    /** GETs a path, asserting 200, that the body hashes to {@code digest} and that the registry says so too. */
    private HttpResponse<byte[]> getVerified(String path, String digest) throws Exception {
        HttpResponse<byte[]> response = http.send(
                HttpRequest.newBuilder(REGISTRY.url().resolve(path))
                        .header("Accept", ACCEPT)
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode())
                .as("GET %s: %s", path, new String(response.body()))
                .isEqualTo(200);
        assertThat(Digests.sha256(response.body())).as("sha256 of GET %s", path).isEqualTo(digest);
        assertThat(response.headers().firstValue("Docker-Content-Digest"))
                .as("Docker-Content-Digest of %s", path)
                .hasValue(digest);
        return response;
    }
}
