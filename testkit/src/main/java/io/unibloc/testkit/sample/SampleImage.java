package io.unibloc.testkit.sample;

import io.unibloc.testkit.guest.GuestRootfs;
import io.unibloc.testkit.guest.TestGuest;
import io.unibloc.testkit.image.Attrs;
import io.unibloc.testkit.image.Compression;
import io.unibloc.testkit.image.ImageDigests;
import io.unibloc.testkit.image.TestImage;
import io.unibloc.testkit.image.TestLayer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Writes the sample image as an OCI layout: a base layer with busybox, the kernel and the initramfs, and a
 * top layer with only {@code /app/run} and {@code /app/message}, so the guest's greeting comes from a file
 * that only the top layer holds. Labels tell the sandbox where the kernel and initrd are. The top layer also has
 * {@code /www/index.html} with the same message, which the guest serves over HTTP when booted with the test guest's
 * {@code unibloc_httpd=PORT} (e.g. {@code unibloc run -p 18080:8080 -e unibloc_httpd=8080}).
 *
 * <p>Usage: {@code SampleImage OUT_DIR [TAG] [MESSAGE]}.
 */
public final class SampleImage {
    public static final String DEFAULT_TAG = "hello";
    public static final String DEFAULT_MESSAGE = "hello from a unibloc block volume";

    private SampleImage() {}

    /** Builds the image; returns its digests. The layout at {@code out} gains (or replaces) {@code tag}. */
    public static ImageDigests write(Path out, String tag, String message) throws IOException {
        TestGuest guest = TestGuest.prepare();
        Path base = Files.createTempDirectory("unibloc-sample-base-");
        try {
            GuestRootfs.builder().writeTo(base);
            guest.installInto(base);
            TestLayer baseLayer = TestLayer.builder().tree(base).build(Compression.GZIP);
            TestLayer appLayer = TestLayer.builder()
                    .dir("app")
                    .file("app/message", message + "\n")
                    .dir("www")
                    .file("www/index.html", message + "\n")
                    .file(
                            "app/run",
                            "#!/bin/sh\necho \"app says: $(cat /app/message)\"\n",
                            Attrs.defaults().mode(0755))
                    .build(Compression.GZIP);
            TestImage image = TestImage.builder()
                    .layers(baseLayer, appLayer)
                    .label("io.unibloc.kernel", TestGuest.KERNEL_IN_ROOT)
                    .label("io.unibloc.initrd", TestGuest.INITRD_IN_ROOT)
                    .label("io.unibloc.guest", "linux")
                    .label("io.unibloc.cmdline", "console=ttyS0 quiet")
                    .build();
            return image.writeLayout(out, tag);
        } finally {
            try (Stream<Path> paths = Files.walk(base)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: SampleImage OUT_DIR [TAG] [MESSAGE]");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        String tag = args.length > 1 ? args[1] : DEFAULT_TAG;
        ImageDigests digests = write(out, tag, args.length > 2 ? args[2] : DEFAULT_MESSAGE);
        System.out.println(
                "sample image written: oci:" + out.toAbsolutePath() + ":" + tag + " (" + digests.digest() + ")");
    }
}
