package io.unibloc.e2e.cluster;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;

/**
 * A minimal Linux initramfs (newc cpio, uncompressed) whose {@code /init}, a busybox shell script, prints a marker on
 * the console and then keeps the guest alive: enough for a guest that proves it booted, without any kernel modules.
 */
final class Initramfs {
    private Initramfs() {}

    /**
     * @param busybox a statically linked busybox (the host's busybox-static)
     * @param marker  the line {@code /init} prints to {@code /dev/console}
     */
    static byte[] printingMarker(byte[] busybox, String marker) {
        String init = """
                #!/bin/busybox sh
                /bin/busybox mount -t proc proc /proc
                /bin/busybox mount -t sysfs sysfs /sys
                echo "%s"
                # Stay up until the Pod is deleted: the suite checks the guest is Running before it reads the log.
                while true; do /bin/busybox sleep 3600; done
                """.formatted(marker);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CpioArchiveOutputStream cpio = new CpioArchiveOutputStream(bytes, CpioConstants.FORMAT_NEW)) {
            for (String dir : new String[] {"bin", "dev", "proc", "sys", "tmp"}) {
                put(cpio, entry(dir, CpioConstants.C_ISDIR | 0755, 0), null);
            }
            // The kernel opens /dev/console for init's stdio before anything mounts devtmpfs.
            CpioArchiveEntry console = entry("dev/console", CpioConstants.C_ISCHR | 0600, 0);
            console.setRemoteDeviceMaj(5);
            console.setRemoteDeviceMin(1);
            put(cpio, console, null);
            put(cpio, entry("bin/busybox", CpioConstants.C_ISREG | 0755, busybox.length), busybox);
            byte[] script = init.getBytes(StandardCharsets.UTF_8);
            put(cpio, entry("init", CpioConstants.C_ISREG | 0755, script.length), script);
            cpio.finish();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the test initramfs", e);
        }
        return bytes.toByteArray();
    }

    private static CpioArchiveEntry entry(String name, int mode, long size) {
        CpioArchiveEntry entry = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, name, size);
        entry.setMode(mode);
        entry.setNumberOfLinks((mode & CpioConstants.S_IFMT) == CpioConstants.C_ISDIR ? 2 : 1);
        entry.setTime(1_700_000_000L);
        return entry;
    }

    private static void put(CpioArchiveOutputStream cpio, CpioArchiveEntry entry, byte[] content) throws IOException {
        cpio.putArchiveEntry(entry);
        if (content != null) {
            cpio.write(content);
        }
        cpio.closeArchiveEntry();
    }
}
