package io.unibloc.sandbox.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.sandbox.accel.Accel;
import io.unibloc.sandbox.launch.LaunchPlanner;
import io.unibloc.sandbox.spec.BootSpec;
import io.unibloc.sandbox.spec.FileProjection;
import io.unibloc.sandbox.tool.ProcessRunner;
import io.unibloc.sandbox.volume.PageCacheDrop;
import io.unibloc.testkit.guest.GuestDisks;
import io.unibloc.testkit.guest.GuestRootfs;
import io.unibloc.testkit.guest.TestGuest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a guest's preparation leaves in the page cache of the guest's own device: the launcher's whole
 * {@link LaunchPlanner#plan} (filesystem probe, kernel and initrd read out of the volume, three files projected)
 * on the Linux test guest's image on a real loop device. The device is held open throughout, as kubelet's own loop
 * device over a raw block volume holds it in a Pod: without an opener the kernel drops a block device's cache at
 * its last close, and the test would measure nothing. Every page left there is one more copy per guest of what the
 * store already caches under the shared image, unseen by its accounting.
 */
@EnabledIfSystemProperty(
        named = "unibloc.it",
        matches = "true",
        disabledReason = "attaches loop devices; runs under failsafe (mvn verify)")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DevicePageCacheIT {

    /** The superblock's neighbourhood may come back through a later open's readahead; a kernel would not fit. */
    private static final long BOUND = 64 * 1024;

    private static final int PAGE = 4096;

    @TempDir
    Path dir;

    private final LaunchPlanner planner = new LaunchPlanner(new ProcessRunner(), () -> Accel.TCG, OptionalLong.empty());
    private final List<FileProjection> files = new ArrayList<>();
    private Path image;

    @BeforeEach
    void image() throws IOException {
        TestGuest guest = TestGuest.prepare();
        Path tree = GuestRootfs.builder().app("#!/bin/sh\nexit 0\n").writeTo(dir.resolve("tree"));
        guest.installInto(tree);
        image = GuestDisks.ext4(tree, dir.resolve("chain.img"), 64);
        Random random = new Random(2);
        int[] sizes = {1024, 4096, 65536};
        String[] targets = {"/etc/app/app.conf", "/etc/app/tls/cert.pem", "/etc/app/data.bin"};
        for (int i = 0; i < sizes.length; i++) {
            byte[] content = new byte[sizes[i]];
            random.nextBytes(content);
            files.add(new FileProjection(
                    Files.write(dir.resolve("file" + i), content).toString(), targets[i], null));
        }
    }

    @Test
    void anEphemeralStartLeavesNothingCachedUnderTheGuestsDevice() throws Exception {
        long resident;
        try (LoopDevice shared = LoopDevice.attach(image, true)) {
            try (FileChannel holder = FileChannel.open(shared.path(), StandardOpenOption.READ)) {
                planner.plan(
                        spec(shared.path()),
                        Files.createDirectory(dir.resolve("work")),
                        () -> Accel.TCG,
                        dir.resolve("root.qcow2"));
                resident = residentBytes(holder);
            }
        }
        System.out.printf(
                "DEVICE CACHE ephemeral: %d KiB of the guest's device cached after the start%n", resident / 1024);
        assertThat(resident).isLessThanOrEqualTo(BOUND);
    }

    @Test
    void aPersistentStartLeavesNothingCachedAndItsFilesAreOnTheDevice() throws Exception {
        Path own = Files.copy(image, dir.resolve("clone.img"), StandardCopyOption.REPLACE_EXISTING);
        long resident;
        try (LoopDevice device = LoopDevice.attach(own, false)) {
            try (FileChannel holder = FileChannel.open(device.path(), StandardOpenOption.READ)) {
                planner.plan(spec(device.path()), Files.createDirectory(dir.resolve("work")));
                resident = residentBytes(holder);
            }
        }
        System.out.printf(
                "DEVICE CACHE persistent: %d KiB of the guest's device cached after the start%n", resident / 1024);
        assertThat(resident).isLessThanOrEqualTo(BOUND);
        ProcessRunner runner = new ProcessRunner();
        assertThat(runner.run(List.of("e2fsck", "-fn", own.toString())).exitCode())
                .isZero();
        for (FileProjection file : files) {
            Path out = dir.resolve("back" + files.indexOf(file));
            runner.run(List.of("debugfs", "-R", "dump " + file.target() + " " + out, own.toString()));
            assertThat(out).as(file.target()).hasSameBinaryContentAs(Path.of(file.source()));
        }
    }

    /**
     * mtools writes a persistent vfat root's files through the device's page cache: those pages are still dirty when
     * the drop runs, and {@code POSIX_FADV_DONTNEED} alone only starts their writeback and leaves them cached.
     */
    @Test
    void pagesWrittenThroughTheCacheAreFlushedThenDropped() throws Exception {
        byte[] content = new byte[8 << 20];
        new Random(3).nextBytes(content);
        Path own = dir.resolve("written.img");
        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(own.toFile(), "rw")) {
            file.setLength(16 << 20);
        }
        long resident;
        try (LoopDevice device = LoopDevice.attach(own, false)) {
            try (FileChannel holder = FileChannel.open(device.path(), StandardOpenOption.READ)) {
                try (FileChannel writer = FileChannel.open(device.path(), StandardOpenOption.WRITE)) {
                    ByteBuffer out = ByteBuffer.wrap(content);
                    while (out.hasRemaining()) {
                        writer.write(out, out.position());
                    }
                }
                new PageCacheDrop(new ProcessRunner()).drop(device.path());
                resident = residentBytes(holder);
            }
        }
        System.out.printf(
                "DEVICE CACHE written through the cache: %d KiB of 8192 KiB cached after the drop%n", resident / 1024);
        assertThat(resident).isLessThanOrEqualTo(BOUND);
        byte[] back = java.util.Arrays.copyOf(Files.readAllBytes(own), content.length);
        assertThat(back).as("what was written reached the image").isEqualTo(content);
    }

    private BootSpec spec(Path device) {
        BootSpec.Builder spec = BootSpec.builder()
                .kernel(TestGuest.KERNEL_IN_ROOT)
                .initrd(TestGuest.INITRD_IN_ROOT)
                .rootDevice(device.toString());
        files.forEach(spec::addFile);
        return spec.build().resolve();
    }

    /** {@code mincore} through Java: a page-sized read-only mapping is "loaded" when its page is resident. */
    private static long residentBytes(FileChannel device) throws IOException {
        long size = device.size();
        assertThat(size).as("the device's size").isPositive();
        long resident = 0;
        for (long at = 0; at < size; at += PAGE) {
            if (device.map(FileChannel.MapMode.READ_ONLY, at, Math.min(PAGE, size - at))
                    .isLoaded()) {
                resident += PAGE;
            }
        }
        return resident;
    }
}
