package io.unibloc.blockstore.image;

import io.unibloc.testkit.image.Compression;
import io.unibloc.testkit.image.ImageFormat;
import io.unibloc.testkit.image.TestImage;
import io.unibloc.testkit.image.TestLayer;
import java.util.Random;

/** Small images with incompressible layers, so byte-level faults hit real data. */
public final class TestImages {
    private TestImages() {}

    public static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    public static TestImage image(
            long seed, int layers, int bytesPerLayer, io.unibloc.testkit.image.Platform platform, ImageFormat format) {
        TestImage.Builder b = TestImage.builder()
                .platform(platform)
                .format(format)
                .label("io.unibloc.kernel", "/boot/vmlinuz")
                .env("A", "1")
                .entrypoint("/bin/app")
                .cmd("--flag");
        Compression[] kinds = {Compression.GZIP, Compression.ZSTD, Compression.NONE};
        for (int i = 0; i < layers; i++) {
            b.layer(TestLayer.builder()
                    .dir("d" + i)
                    .file("d" + i + "/data.bin", random(bytesPerLayer, seed * 31 + i))
                    .build(kinds[i % kinds.length]));
        }
        return b.build();
    }

    public static TestImage image(long seed) {
        return image(seed, 3, 256 * 1024, io.unibloc.testkit.image.Platform.LINUX_AMD64, ImageFormat.OCI);
    }
}
