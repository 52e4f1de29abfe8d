package io.unibloc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.testkit.image.Compression;
import io.unibloc.testkit.image.TestImage;
import io.unibloc.testkit.image.TestLayer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** build → volume create/attach/ls/detach/rm → df → gc through the command line, with real loop devices. */
class CliVolumeIT {
    @TempDir
    Path tmp;

    private final List<String> cleanup = new ArrayList<>();

    private CliHarness unibloc(String... args) {
        List<String> all =
                new ArrayList<>(List.of("--store", tmp.resolve("store").toString(), "--backend", "copy"));
        all.addAll(List.of(args));
        return CliHarness.run(all.toArray(String[]::new));
    }

    @AfterEach
    void detachEverything() {
        for (String v : cleanup) {
            unibloc("volume", "rm", "--force", v);
        }
    }

    @Test
    void volumeLifecycleWithMeaningfulExitCodes() throws Exception {
        Path layout = tmp.resolve("layout");
        TestImage.builder()
                .layer(TestLayer.builder()
                        .dir("etc")
                        .file("etc/hello.txt", "hello\n")
                        .build(Compression.GZIP))
                .layer(TestLayer.builder()
                        .file("app/run.sh", "#!/bin/sh\necho hi\n")
                        .build(Compression.ZSTD))
                .build()
                .writeLayout(layout, "1");
        String ref = "oci:" + layout + ":1";

        CliHarness build = unibloc("image", "build", ref, "--fs", "ext4");
        assertThat(build.exit()).as(build.err()).isZero();
        assertThat(build.out()).contains("2 chain image(s)");
        assertThat(unibloc("image", "ls").out()).contains(ref);

        cleanup.add("vol-a");
        CliHarness create = unibloc("volume", "create", "vol-a", "--image", ref, "--size", "64M");
        assertThat(create.exit()).as(create.err()).isZero();
        assertThat(create.out()).contains("vol-a created").contains("64.0 MiB");
        // Same spec again: idempotent. Another image under the same name: conflict (exit 4).
        assertThat(unibloc("volume", "create", "vol-a", "--image", ref, "--size", "64M")
                        .exit())
                .isZero();
        assertThat(unibloc("volume", "create", "vol-a", "--image", ref, "--size", "128M")
                        .exit())
                .isEqualTo(ExitCodes.INVALID);

        CliHarness attach = unibloc("volume", "attach", "vol-a");
        assertThat(attach.exit()).as(attach.err()).isZero();
        String device = attach.out().strip();
        assertThat(device).matches("/dev/loop\\d+");
        assertThat(Files.exists(Path.of(device))).isTrue();
        assertThat(unibloc("volume", "ls").out())
                .contains("vol-a")
                .contains(device)
                .contains("64.0 MiB");

        CliHarness busy = unibloc("volume", "rm", "vol-a");
        assertThat(busy.exit()).isEqualTo(ExitCodes.INVALID);

        CliHarness df = unibloc("df");
        assertThat(df.exit()).as(df.err()).isZero();
        assertThat(df.out()).contains("backend copy").contains("VOLUME").contains("vol-a");

        assertThat(unibloc("volume", "detach", "vol-a").exit()).isZero();
        assertThat(unibloc("volume", "rm", "vol-a").exit()).isZero();
        assertThat(unibloc("volume", "attach", "vol-a").exit()).isEqualTo(ExitCodes.NOT_FOUND);

        assertThat(unibloc("image", "rm", ref).exit()).isZero();
        CliHarness gc = unibloc("gc");
        assertThat(gc.exit()).as(gc.err()).isZero();
        Matcher m = Pattern.compile("removed (\\d+) chain image\\(s\\) and (\\d+) blob\\(s\\)")
                .matcher(gc.out());
        assertThat(m.find()).as(gc.out()).isTrue();
        assertThat(Integer.parseInt(m.group(1))).isEqualTo(2);
    }
}
