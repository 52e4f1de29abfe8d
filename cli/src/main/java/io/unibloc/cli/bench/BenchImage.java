package io.unibloc.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.unibloc.registry.ref.Digest;
import io.unibloc.registry.ref.ImageReference;
import io.unibloc.registry.ref.Sha256;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Synthetic images for the benchmark, written as OCI layouts with uncompressed tar layers (so generating
 * 512 MiB takes seconds, not minutes, and the baselines can untar the very same blobs). Content is
 * pseudo-random, so neither filesystems nor copies can cheat by compressing or deduplicating it.
 */
record BenchImage(ImageReference reference, List<Path> layerTars, long contentBytes) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FILE_BYTES = 1 << 20;
    private static final int SMALL_FILES_PER_LAYER = 50;

    /** One layer's plan: {@code bytes} of content in 1 MiB files plus small files, from {@code seed}. */
    record LayerPlan(long bytes, long seed) {}

    /** An image of {@code totalBytes} split over {@code layers} layers. */
    static List<LayerPlan> plan(long totalBytes, int layers, long seed) {
        List<LayerPlan> out = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            out.add(new LayerPlan(totalBytes / layers, seed * 1000 + i));
        }
        return out;
    }

    /** Writes (or reuses) the layout {@code dir} holding {@code layers} under {@code tag}. */
    static BenchImage write(Path dir, String tag, List<LayerPlan> layers) {
        try {
            Path tars = Files.createDirectories(dir.resolve("tars"));
            List<Path> tarFiles = new ArrayList<>();
            long content = 0;
            for (LayerPlan lp : layers) {
                Path tar = tars.resolve("layer-" + lp.seed() + "-" + lp.bytes() + ".tar");
                if (!Files.exists(tar)) {
                    writeLayer(tar, lp);
                }
                tarFiles.add(tar);
                content += lp.bytes();
            }
            return layout(dir, tag, tarFiles, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write benchmark image into " + dir, e);
        }
    }

    /**
     * An OCI layout in {@code dir} whose layers are the uncompressed {@code tars} (hard-linked as blobs), tagged
     * {@code tag}; {@code contentBytes} is what the caller put into them.
     */
    static BenchImage layout(Path dir, String tag, List<Path> tars, long contentBytes) throws IOException {
        Path blobs = Files.createDirectories(dir.resolve("blobs/sha256"));
        List<Digest> digests = new ArrayList<>();
        List<Long> sizes = new ArrayList<>();
        for (Path tar : tars) {
            Digest d = Sha256.of(tar);
            Path blob = blobs.resolve(d.hex());
            if (!Files.exists(blob)) {
                Files.createLink(blob, tar);
            }
            digests.add(d);
            sizes.add(Files.size(tar));
        }
        ObjectNode config = JSON.createObjectNode().put("architecture", "amd64").put("os", "linux");
        config.putObject("config").putObject("Labels").put("io.unibloc.bench", tag);
        ObjectNode rootfs = config.putObject("rootfs").put("type", "layers");
        ArrayNode diffIds = rootfs.putArray("diff_ids");
        digests.forEach(d -> diffIds.add(d.toString()));
        byte[] configBytes = JSON.writeValueAsBytes(config);
        Digest configDigest = put(blobs, configBytes);

        ObjectNode manifest = JSON.createObjectNode()
                .put("schemaVersion", 2)
                .put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        manifest.putObject("config")
                .put("mediaType", "application/vnd.oci.image.config.v1+json")
                .put("digest", configDigest.toString())
                .put("size", configBytes.length);
        ArrayNode ls = manifest.putArray("layers");
        for (int i = 0; i < digests.size(); i++) {
            ls.addObject()
                    .put("mediaType", "application/vnd.oci.image.layer.v1.tar")
                    .put("digest", digests.get(i).toString())
                    .put("size", sizes.get(i));
        }
        byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
        Digest manifestDigest = put(blobs, manifestBytes);

        ObjectNode index = JSON.createObjectNode()
                .put("schemaVersion", 2)
                .put("mediaType", "application/vnd.oci.image.index.v1+json");
        index.putArray("manifests")
                .addObject()
                .put("mediaType", "application/vnd.oci.image.manifest.v1+json")
                .put("digest", manifestDigest.toString())
                .put("size", manifestBytes.length)
                .putObject("annotations")
                .put("org.opencontainers.image.ref.name", tag);
        Files.write(dir.resolve("index.json"), JSON.writeValueAsBytes(index));
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        return new BenchImage(ImageReference.ofLayout(dir, tag, manifestDigest), tars, contentBytes);
    }

    private static Digest put(Path blobs, byte[] bytes) throws IOException {
        Digest d = Sha256.of(bytes);
        Files.write(blobs.resolve(d.hex()), bytes);
        return d;
    }

    private static void writeLayer(Path tar, LayerPlan lp) throws IOException {
        SplittableRandom rnd = new SplittableRandom(lp.seed());
        Path temp = tar.resolveSibling(tar.getFileName() + ".tmp");
        try (OutputStream fo = Files.newOutputStream(temp);
                TarArchiveOutputStream t = new TarArchiveOutputStream(new java.io.BufferedOutputStream(fo, 1 << 20))) {
            t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            String dir = "layer" + lp.seed() + "/";
            dirEntry(t, dir);
            byte[] buf = new byte[FILE_BYTES];
            long left = lp.bytes();
            int n = 0;
            while (left > 0) {
                int len = (int) Math.min(FILE_BYTES, left);
                fill(rnd, buf, len);
                fileEntry(t, dir + "blob" + (n++) + ".bin", buf, len);
                left -= len;
            }
            byte[] small = new byte[512];
            for (int i = 0; i < SMALL_FILES_PER_LAYER; i++) {
                fill(rnd, small, small.length);
                fileEntry(t, dir + "etc/conf" + i + ".txt", small, 100 + rnd.nextInt(400));
            }
            t.finish();
        }
        Files.move(temp, tar);
    }

    static void fill(SplittableRandom rnd, byte[] b, int len) {
        for (int i = 0; i < len; i += 8) {
            long v = rnd.nextLong();
            for (int k = 0; k < 8 && i + k < len; k++) {
                b[i + k] = (byte) (v >>> (k * 8));
            }
        }
    }

    static void dirEntry(TarArchiveOutputStream t, String name) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setMode(040755);
        e.setModTime(0L);
        t.putArchiveEntry(e);
        t.closeArchiveEntry();
    }

    private static void fileEntry(TarArchiveOutputStream t, String name, byte[] buf, int len) throws IOException {
        int slash = name.lastIndexOf('/');
        if (name.contains("/etc/") && name.endsWith("conf0.txt")) {
            dirEntry(t, name.substring(0, slash + 1));
        }
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setMode(0100644);
        e.setModTime(0L);
        e.setSize(len);
        t.putArchiveEntry(e);
        t.write(buf, 0, len);
        t.closeArchiveEntry();
    }
}
