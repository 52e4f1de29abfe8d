package io.unibloc.testkit.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.unibloc.testkit.registry.TestRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An independent client (skopeo, from containers/image) accepts what the testkit publishes: it copies the pushed
 * multi-platform image with digests preserved, which it only does after verifying every blob, and reads the OCI
 * layout the testkit wrote.
 */
class SkopeoInteropIT {
    private static final Path SKOPEO = Path.of("/usr/bin/skopeo");

    @AutoClose
    static TestRegistry registry;

    @TempDir
    Path tmp;

    private final TestIndex index = TestIndex.of(
            TestImage.builder()
                    .platform(Platform.LINUX_AMD64)
                    .layer(TestLayer.builder()
                            .dir("etc")
                            .file("etc/os-release", "ID=amd64\n")
                            .build(Compression.GZIP))
                    .layer(TestLayer.builder()
                            .file("app", "x", Attrs.defaults().mode(0755))
                            .build(Compression.ZSTD))
                    .build(),
            TestImage.builder()
                    .platform(Platform.LINUX_ARM64)
                    .layer(TestLayer.builder().file("arch", "arm64").build(Compression.NONE))
                    .build());

    @BeforeAll
    static void startRegistry() {
        assumeTrue(Files.isExecutable(SKOPEO), "skopeo is not installed (apt-get install skopeo)");
        registry = TestRegistry.start();
    }

    @Test
    void skopeoCopiesThePushedIndexWithDigestsPreserved() throws Exception {
        PushedImage pushed = index.push(registry, "interop/app", "1");
        Path out = tmp.resolve("copy");

        skopeo(
                "copy",
                "--all",
                "--preserve-digests",
                "--src-tls-verify=false",
                "docker://" + pushed.reference(),
                "oci:" + out + ":copied");

        for (Blob blob : index.blobs()) {
            Path file = out.resolve("blobs/sha256").resolve(Digests.hex(blob.digest()));
            assertThat(file)
                    .as("blob %s (%s) copied by skopeo", blob.digest(), blob.mediaType())
                    .exists();
            assertThat(Digests.sha256(Files.readAllBytes(file))).isEqualTo(blob.digest());
        }
        String raw = skopeo("inspect", "--raw", "--tls-verify=false", "docker://" + pushed.pinnedReference());
        assertThat(Digests.sha256(raw.getBytes(StandardCharsets.UTF_8))).isEqualTo(index.digest());
    }

    @Test
    void skopeoReadsTheWrittenLayout() throws Exception {
        Path layout = tmp.resolve("layout");
        index.writeLayout(layout, "v1");

        String config = skopeo("inspect", "--config", "--raw", "oci:" + layout + ":v1");
        String raw = skopeo("inspect", "--raw", "oci:" + layout + ":v1");

        assertThat(Digests.sha256(raw.getBytes(StandardCharsets.UTF_8))).isEqualTo(index.digest());
        // skopeo resolved the index to this machine's platform (amd64) and read its config.
        assertThat(Digests.sha256(config.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(index.image(Platform.LINUX_AMD64).configDigest());
        skopeo("copy", "--all", "--preserve-digests", "oci:" + layout + ":v1", "dir:" + tmp.resolve("dir"));
    }

    private String skopeo(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(SKOPEO.toString(), "--insecure-policy"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("skopeo did not finish: " + command);
        }
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("%s\n%s", command, text).isZero();
        return text;
    }
}
