package io.unibloc.cli.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The ways unibloc is compared with, run with the same host tools a person would use:
 * <ul>
 *   <li>naive: per pod, untar every layer into a fresh directory, {@code mkfs.ext4 -d} a fresh image, attach;</li>
 *   <li>full copy: per pod, {@code cp --reflink=never} of an already built image, attach;</li>
 *   <li>cold build: untar + {@code mkfs.ext4 -d} once, the baseline of a chain build.</li>
 * </ul>
 * Every method cleans up what it made, also on failure.
 */
final class Baselines {
    private final Path work;

    Baselines(Path work) {
        this.work = work;
    }

    /** Image size the baselines give mkfs: content plus a fifth and 32 MiB for metadata, whole MiB. */
    static long imageBytes(BenchImage img) {
        long b = img.contentBytes() + img.contentBytes() / 5 + (32L << 20);
        return (b + (1 << 20) - 1) & ~((1L << 20) - 1);
    }

    /** Untar + mkfs into {@code target}; returns nanoseconds. */
    long build(BenchImage img, Path target) {
        Path root = work.resolve("root-" + System.nanoTime());
        long t0 = System.nanoTime();
        try {
            Files.createDirectories(root);
            for (Path tar : img.layerTars()) {
                Proc.run("tar", "-x", "-f", tar.toString(), "-C", root.toString(), "--no-same-owner");
            }
            Proc.run(
                    "mkfs.ext4",
                    "-q",
                    "-F",
                    "-b",
                    "4096",
                    "-O",
                    "^has_journal",
                    "-d",
                    root.toString(),
                    target.toString(),
                    (imageBytes(img) >> 20) + "M");
            return System.nanoTime() - t0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteTree(root);
        }
    }

    /** The naive way for one pod: build a fresh image and attach it. Returns nanoseconds of create+attach. */
    long naiveCreateAttach(BenchImage img) {
        Path image = work.resolve("naive-" + System.nanoTime() + ".img");
        String dev = null;
        try {
            long t0 = System.nanoTime();
            build(img, image);
            dev = attach(image);
            return System.nanoTime() - t0;
        } finally {
            cleanup(dev, image);
        }
    }

    /** The full-copy way for one pod: copy {@code built} without reflinks and attach. */
    long fullCopyCreateAttach(Path built) {
        Path image = work.resolve("copy-" + System.nanoTime() + ".img");
        String dev = null;
        try {
            long t0 = System.nanoTime();
            Proc.run("cp", "--reflink=never", "--sparse=always", built.toString(), image.toString());
            dev = attach(image);
            return System.nanoTime() - t0;
        } finally {
            cleanup(dev, image);
        }
    }

    static String attach(Path image) {
        String dev = Proc.run("losetup", "--find", "--show", image.toString()).strip();
        // A first read, as a guest's first access would do, so a lazily attached device counts too.
        Proc.run("dd", "if=" + dev, "of=/dev/null", "bs=4096", "count=1", "status=none");
        return dev;
    }

    private static void cleanup(String dev, Path image) {
        if (dev != null) {
            try {
                Proc.run("losetup", "-d", dev);
            } catch (IllegalStateException e) {
                // reported by the caller's result being missing; keep deleting
            }
        }
        try {
            Files.deleteIfExists(image);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            List<Path> all = new ArrayList<>(s.sorted(Comparator.reverseOrder()).toList());
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
