package io.unibloc.testkit.guest;

import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;

/**
 * Builds the test guest's initramfs (a gzip-compressed "newc" cpio archive, the format the kernel
 * unpacks) in Java: {@code /init}, {@code /bin/busybox}, and the modules needed to reach an ext4 or vfat
 * root on virtio-blk (PCI or MMIO), a virtio-net NIC (Debian's kernel has no IP autoconfig built in, so
 * {@code /init} configures eth0 from the {@code ip=} parameter itself) plus the ACPI power button, in load order. The result is cached in a
 * directory by kernel version and content hash, so it is built once per machine in a few hundred ms.
 */
final class GuestInitramfs {

    /** Modules the guest loads; their dependencies are added from modules.dep. */
    static final List<String> MODULES = List.of(
            "virtio_pci",
            "virtio_mmio",
            "virtio_blk",
            "virtio_net",
            "crc32c_generic",
            "ext4",
            "vfat",
            "nls_cp437",
            "nls_ascii",
            "nls_utf8",
            "button",
            "evdev");

    private GuestInitramfs() {}

    /** The cached initramfs for {@code kernel}, building it first if needed. */
    static Path build(TestKernel kernel, Path cacheDir) throws IOException {
        byte[] init = initScript();
        byte[] busybox = Busybox.read();
        Map<String, byte[]> modules = new LinkedHashMap<>();
        for (Path file : KernelModules.read(kernel.modules()).loadOrder(MODULES)) {
            modules.put(KernelModules.name(file.toString()) + ".ko", moduleBytes(file));
        }
        String hash = hash(kernel.version(), init, busybox, modules);
        Path target = cacheDir.resolve("initramfs-" + kernel.version() + "-" + hash + ".cpio.gz");
        if (Files.isRegularFile(target)) {
            return target;
        }
        Files.createDirectories(cacheDir);
        Path temp = Files.createTempFile(cacheDir, "initramfs-", ".tmp");
        try {
            try (OutputStream file = Files.newOutputStream(temp);
                    GZIPOutputStream gzip = new GZIPOutputStream(file, 1 << 16) {
                        {
                            def.setLevel(Deflater.BEST_SPEED);
                        }
                    };
                    CpioArchiveOutputStream cpio = new CpioArchiveOutputStream(gzip, CpioConstants.FORMAT_NEW)) {
                for (String dir : List.of("bin", "dev", "lib", "lib/modules", "mnt", "proc", "sys", "tmp")) {
                    directory(cpio, dir);
                }
                file(cpio, "init", init, 0755);
                file(cpio, "bin/busybox", busybox, 0755);
                for (Map.Entry<String, byte[]> module : modules.entrySet()) {
                    file(cpio, "lib/modules/" + module.getKey(), module.getValue(), 0644);
                }
                String order = String.join("\n", modules.keySet()) + "\n";
                file(cpio, "lib/modules/load-order", order.getBytes(StandardCharsets.UTF_8), 0644);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return target;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    static byte[] initScript() throws IOException {
        try (InputStream in = GuestInitramfs.class.getResourceAsStream("init.sh")) {
            if (in == null) {
                throw new IOException("init.sh is missing from the testkit jar");
            }
            return in.readAllBytes();
        }
    }

    /** The module's ELF bytes; Debian 13 and others ship modules compressed. */
    private static byte[] moduleBytes(Path file) throws IOException {
        String name = file.getFileName().toString();
        byte[] raw = Files.readAllBytes(file);
        if (name.endsWith(".ko")) {
            return raw;
        }
        if (name.endsWith(".ko.gz")) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                return in.readAllBytes();
            }
        }
        if (name.endsWith(".ko.zst")) {
            try (InputStream in = new ZstdInputStream(new ByteArrayInputStream(raw))) {
                return in.readAllBytes();
            }
        }
        throw new IOException("kernel module " + file + " is compressed in a format the test guest builder "
                + "cannot unpack (gzip and zstd are supported)");
    }

    private static void directory(CpioArchiveOutputStream cpio, String name) throws IOException {
        CpioArchiveEntry entry = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, name, 0);
        entry.setMode(CpioConstants.C_ISDIR | 0755);
        entry.setNumberOfLinks(2);
        entry.setTime(0);
        cpio.putArchiveEntry(entry);
        cpio.closeArchiveEntry();
    }

    private static void file(CpioArchiveOutputStream cpio, String name, byte[] content, int mode) throws IOException {
        CpioArchiveEntry entry = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, name, content.length);
        entry.setMode(CpioConstants.C_ISREG | mode);
        entry.setNumberOfLinks(1);
        entry.setTime(0);
        cpio.putArchiveEntry(entry);
        cpio.write(content);
        cpio.closeArchiveEntry();
    }

    private static String hash(String version, byte[] init, byte[] busybox, Map<String, byte[]> modules) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(version.getBytes(StandardCharsets.UTF_8));
            digest.update(init);
            digest.update(busybox);
            List<String> names = new ArrayList<>(modules.keySet());
            for (String name : names) {
                digest.update(name.getBytes(StandardCharsets.UTF_8));
                digest.update(modules.get(name));
            }
            return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
