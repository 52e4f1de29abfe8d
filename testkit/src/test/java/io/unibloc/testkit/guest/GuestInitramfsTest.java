package io.unibloc.testkit.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds the real initramfs from the host's kernel and busybox (skipped where the host has neither). */
class GuestInitramfsTest {

    @TempDir
    Path cache;

    @Test
    void containsInitBusyboxAndModulesInDependencyOrder() throws IOException {
        assumeTrue(TestKernel.find().isPresent(), "no host kernel with modules");
        TestKernel kernel = TestKernel.require();

        Path initramfs = GuestInitramfs.build(kernel, cache);

        Map<String, CpioArchiveEntry> entries = new LinkedHashMap<>();
        Map<String, byte[]> contents = new LinkedHashMap<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(initramfs));
                CpioArchiveInputStream cpio = new CpioArchiveInputStream(in)) {
            CpioArchiveEntry entry;
            while ((entry = cpio.getNextCPIOEntry()) != null) {
                entries.put(entry.getName(), entry);
                contents.put(entry.getName(), cpio.readAllBytes());
            }
        }
        assertThat(entries).containsKeys("init", "bin/busybox", "lib/modules/load-order", "dev", "proc", "mnt");
        assertThat(entries.get("init").getMode() & 0777).isEqualTo(0755);
        assertThat(new String(contents.get("init"), StandardCharsets.UTF_8)).startsWith("#!/bin/busybox sh");
        assertThat(contents.get("bin/busybox")).isEqualTo(Files.readAllBytes(Busybox.PATH));

        List<String> order =
                new ArrayList<>(List.of(new String(contents.get("lib/modules/load-order"), StandardCharsets.UTF_8)
                        .strip()
                        .split("\n")));
        assertThat(order).contains("virtio_blk.ko", "ext4.ko", "vfat.ko", "button.ko", "evdev.ko");
        assertThat(order.indexOf("virtio_ring.ko")).isLessThan(order.indexOf("virtio.ko"));
        assertThat(order.indexOf("virtio.ko")).isLessThan(order.indexOf("virtio_blk.ko"));
        assertThat(order.indexOf("jbd2.ko")).isLessThan(order.indexOf("ext4.ko"));
        assertThat(order.indexOf("fat.ko")).isLessThan(order.indexOf("vfat.ko"));
        for (String module : order) {
            byte[] elf = contents.get("lib/modules/" + module);
            assertThat(elf).as(module).isNotNull();
            assertThat(new String(elf, 1, 3, StandardCharsets.US_ASCII))
                    .as(module + " is an ELF file")
                    .isEqualTo("ELF");
        }
    }

    @Test
    void aSecondBuildReusesTheCachedArchive() throws IOException {
        assumeTrue(TestKernel.find().isPresent(), "no host kernel with modules");
        TestKernel kernel = TestKernel.require();
        Path first = GuestInitramfs.build(kernel, cache);
        long modified = Files.getLastModifiedTime(first).toMillis();

        Path second = GuestInitramfs.build(kernel, cache);

        assertThat(second).isEqualTo(first);
        assertThat(Files.getLastModifiedTime(second).toMillis()).isEqualTo(modified);
        assertThat(first.getFileName().toString()).startsWith("initramfs-" + kernel.version() + "-");
        try (var files = Files.list(cache)) {
            assertThat(files).containsExactly(first);
        }
    }
}
