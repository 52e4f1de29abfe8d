package io.unibloc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.testkit.image.Compression;
import io.unibloc.testkit.image.PushedImage;
import io.unibloc.testkit.image.TestImage;
import io.unibloc.testkit.image.TestLayer;
import io.unibloc.testkit.registry.TestRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code unibloc image pull|ls|rm} against a real registry and an OCI layout, through the command line. */
class CliPullIT {
    static TestRegistry registry;
    static TestImage image;
    static PushedImage pushed;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        registry = TestRegistry.start();
        byte[] data = new byte[200_000];
        new Random(5).nextBytes(data);
        image = TestImage.builder()
                .layer(TestLayer.builder().file("app/data.bin", data).build(Compression.GZIP))
                .layer(TestLayer.builder().file("etc/app.conf", "x=1\n").build(Compression.ZSTD))
                .build();
        pushed = image.push(registry, "cli/app", "1.0");
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void pullListAndRemove() {
        String store = tmp.resolve("store").toString();
        CliHarness pull = CliHarness.run("--store", store, "image", "pull", pushed.reference());
        assertThat(pull.exit()).as(pull.err()).isZero();
        assertThat(pull.out())
                .contains("pinned   " + pushed.registry() + "/cli/app:1.0@" + image.digest())
                .contains("layers   2");
        assertThat(Files.exists(Path.of(
                        store,
                        "content/blobs/sha256",
                        image.digests().manifest().layerDigests().get(0).substring(7))))
                .isTrue();

        CliHarness ls = CliHarness.run("--store", store, "image", "ls");
        assertThat(ls.exit()).isZero();
        assertThat(ls.out())
                .contains("NAME")
                .contains(pushed.reference())
                .contains(image.digest().substring(7, 19))
                .contains("linux/amd64");

        CliHarness rm = CliHarness.run("--store", store, "image", "rm", pushed.reference());
        assertThat(rm.exit()).isZero();
        assertThat(rm.out()).contains("removed " + pushed.reference());
        assertThat(CliHarness.run("--store", store, "image", "ls").out()).doesNotContain(pushed.reference());
        assertThat(CliHarness.run("--store", store, "image", "rm", pushed.reference())
                        .exit())
                .isEqualTo(ExitCodes.NOT_FOUND);
    }

    @Test
    void pullsFromOciLayoutAndReportsMissingTagsAndPlatforms() {
        Path layout = tmp.resolve("layout");
        image.writeLayout(layout, "v1");
        String store = tmp.resolve("store").toString();
        CliHarness ok = CliHarness.run("--store", store, "image", "pull", "oci:" + layout + ":v1");
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("@" + image.digest());
        CliHarness noTag = CliHarness.run("--store", store, "image", "pull", "oci:" + layout + ":v2");
        assertThat(noTag.exit()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(noTag.err()).contains("v1");
        CliHarness unknown = CliHarness.run("--store", store, "image", "pull", pushed.registry() + "/cli/absent:1");
        assertThat(unknown.exit()).isEqualTo(ExitCodes.NOT_FOUND);
    }

    @Test
    void unreachableRegistryExitsWithFive() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        CliHarness r =
                CliHarness.run("--store", tmp.resolve("s").toString(), "image", "pull", "127.0.0.1:" + port + "/x:1");
        assertThat(r.exit()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(r.err()).contains("127.0.0.1:" + port);
    }

    @Test
    void credentialsComeFromDockerConfig() throws Exception {
        try (TestRegistry auth = TestRegistry.withBasicAuth("carol", "pa55")) {
            PushedImage p = image.push(auth, "cli/secret", "1");
            String store = tmp.resolve("store").toString();
            CliHarness denied = CliHarness.run(
                    "--store",
                    store,
                    "--docker-config",
                    tmp.resolve("none.json").toString(),
                    "image",
                    "pull",
                    p.reference());
            assertThat(denied.exit()).isEqualTo(ExitCodes.INVALID);
            Path cfg = Files.writeString(
                    tmp.resolve("config.json"),
                    "{\"auths\":{\"" + auth.hostPort() + "\":{\"username\":\"carol\",\"password\":\"pa55\"}}}");
            CliHarness ok =
                    CliHarness.run("--store", store, "--docker-config", cfg.toString(), "image", "pull", p.reference());
            assertThat(ok.exit()).as(ok.err()).isZero();
            assertThat(ok.out() + ok.err()).doesNotContain("pa55");
        }
    }
}
