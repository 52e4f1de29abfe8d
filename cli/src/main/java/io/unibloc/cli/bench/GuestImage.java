package io.unibloc.cli.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The image the booted-guest scenario runs: a root filesystem for the project's Linux test guest (its kernel and
 * initramfs stay on the host) holding the host's static busybox, {@value #DATA_PATH} of pseudo-random bytes and an
 * {@code /app/run} that reads that file whole once ({@code md5sum}) and prints {@value #READ_LINE}{@code HASH} on the
 * console. The test guest's init runs {@code /app/run} chrooted into the root, then, with {@code unibloc_wait=1},
 * waits for the power button: the guests stay up while the benchmark counts.
 *
 * @param image the OCI layout
 * @param dataBytes the size of {@value #DATA_PATH}
 * @param dataMd5 its MD5, which every guest must print back (proof it read the whole file, and the right one)
 */
record GuestImage(BenchImage image, long dataBytes, String dataMd5) {
    static final String DATA_PATH = "/data/blob";
    /** What {@code /app/run} prints once it has read the file; the MD5 follows. */
    static final String READ_LINE = "unibloc-bench: read " + DATA_PATH + " md5 ";

    static final Path BUSYBOX = Path.of("/bin/busybox");

    static final String APP = "#!/bin/busybox sh\n"
            + "# unibloc bench: read the data file whole once, then say so on the console.\n"
            + "set -- $(/bin/busybox md5sum " + DATA_PATH + ")\n"
            + "echo \"" + READ_LINE + "$1\"\n";

    /**
     * Writes the layout into {@code dir} (the layer is rewritten each time: the content is a function of
     * {@code seed}, so its digest, and the store's chain images, stay the same across runs).
     *
     * @throws IllegalStateException when the host has no {@code /bin/busybox} (the guest's only userland)
     */
    static GuestImage write(Path dir, long dataMiB, long seed) {
        if (!Files.isRegularFile(BUSYBOX)) {
            throw new IllegalStateException("no " + BUSYBOX + " for the guest's root: apt-get install busybox-static");
        }
        try {
            Path tar =
                    Files.createDirectories(dir.resolve("tars")).resolve("guest-root-" + dataMiB + "-" + seed + ".tar");
            Path temp = tar.resolveSibling(tar.getFileName() + ".tmp");
            String md5;
            try (OutputStream fo = Files.newOutputStream(temp);
                    TarArchiveOutputStream t = new TarArchiveOutputStream(new BufferedOutputStream(fo, 1 << 20))) {
                t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                for (String d : List.of("bin/", "app/", "data/", "proc/", "dev/", "tmp/", "etc/", "mnt/")) {
                    BenchImage.dirEntry(t, d);
                }
                byte[] busybox = Files.readAllBytes(BUSYBOX);
                file(t, "bin/busybox", 0755, busybox.length);
                t.write(busybox);
                t.closeArchiveEntry();
                byte[] app = APP.getBytes(StandardCharsets.UTF_8);
                file(t, "app/run", 0755, app.length);
                t.write(app);
                t.closeArchiveEntry();
                md5 = data(t, dataMiB << 20, seed);
                t.finish();
            }
            Files.move(temp, tar, StandardCopyOption.REPLACE_EXISTING);
            BenchImage image = BenchImage.layout(dir, "guest-" + dataMiB, List.of(tar), dataMiB << 20);
            return new GuestImage(image, dataMiB << 20, md5);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the guest image into " + dir, e);
        }
    }

    private static String data(TarArchiveOutputStream t, long bytes, long seed) throws IOException {
        MessageDigest md5;
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is always available", e);
        }
        file(t, DATA_PATH.substring(1), 0644, bytes);
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] buf = new byte[1 << 20];
        for (long left = bytes; left > 0; left -= buf.length) {
            int len = (int) Math.min(buf.length, left);
            BenchImage.fill(rnd, buf, len);
            md5.update(buf, 0, len);
            t.write(buf, 0, len);
        }
        t.closeArchiveEntry();
        return HexFormat.of().formatHex(md5.digest());
    }

    private static void file(TarArchiveOutputStream t, String name, int mode, long size) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setMode(0100000 | mode);
        e.setModTime(0L);
        e.setSize(size);
        t.putArchiveEntry(e);
    }
}
