package io.unibloc.sandbox.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.sandbox.accel.Accel;
import io.unibloc.sandbox.launch.LaunchPlan;
import io.unibloc.sandbox.launch.LaunchPlanner;
import io.unibloc.sandbox.spec.BootSpec;
import io.unibloc.sandbox.spec.FileProjection;
import io.unibloc.sandbox.tool.ProcessRunner;
import io.unibloc.testkit.guest.GuestDisks;
import io.unibloc.testkit.guest.GuestRootfs;
import io.unibloc.testkit.guest.TestGuest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * What projecting a ConfigMap's files adds to a start, per write mode: the launcher's whole preparation
 * ({@link LaunchPlanner#plan}, everything before the VMM starts) with and without three files, on the Linux test
 * guest's 64 MiB image on a real loop device — read-only with a fresh overlay for ephemeral, writable for
 * persistent. A benchmark: it prints medians and asserts only that each plan is a plan. Run with
 * {@code -Dunibloc.bench=true -Dit.test=FileProjectionBenchIT}.
 */
@EnabledIfSystemProperty(
        named = "unibloc.bench",
        matches = "true",
        disabledReason = "a benchmark; -Dunibloc.bench=true")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class FileProjectionBenchIT {

    private static final int SAMPLES = 9;

    @TempDir
    Path dir;

    private final LaunchPlanner planner = new LaunchPlanner(new ProcessRunner(), () -> Accel.TCG, OptionalLong.empty());

    @Test
    void projectionTimePerWriteMode() throws Exception {
        TestGuest guest = TestGuest.prepare();
        Path tree = GuestRootfs.builder().app("#!/bin/sh\nexit 0\n").writeTo(dir.resolve("tree"));
        guest.installInto(tree);
        Path shared = GuestDisks.ext4(tree, dir.resolve("chain.img"), 64);
        Path own = Files.copy(shared, dir.resolve("clone.img"), StandardCopyOption.REPLACE_EXISTING);
        Random random = new Random(1);
        List<FileProjection> files = new ArrayList<>();
        int[] sizes = {1 << 10, 4 << 10, 64 << 10};
        String[] targets = {"/etc/app/app.conf", "/etc/app/tls/cert.pem", "/etc/app/data.bin"};
        for (int i = 0; i < sizes.length; i++) {
            byte[] content = new byte[sizes[i]];
            random.nextBytes(content);
            files.add(new FileProjection(
                    Files.write(dir.resolve("file" + i), content).toString(), targets[i], null));
        }
        Path overlay = dir.resolve("scratch/root.qcow2");

        long ephemeralBare;
        long ephemeralFiles;
        long persistentBare;
        long persistentFiles;
        try (LoopDevice ro = LoopDevice.attach(shared, true);
                LoopDevice rw = LoopDevice.attach(own, false)) {
            BootSpec.Builder ephemeral = spec(guest, ro.path());
            BootSpec.Builder persistent = spec(guest, rw.path());
            plan(ephemeral.build(), overlay); // warm the JIT and the page cache alike for every row
            ephemeralBare = median(ephemeral.build(), overlay);
            persistentBare = median(persistent.build(), null);
            files.forEach(ephemeral::addFile);
            files.forEach(persistent::addFile);
            ephemeralFiles = median(ephemeral.build(), overlay);
            persistentFiles = median(persistent.build(), null);
        }
        System.out.println("BENCH | write mode | plan without files | plan with 3 files (1, 4, 64 KiB) | added by"
                + " the files | median of " + SAMPLES + " |");
        System.out.println(row("persistent (debugfs into the device)", persistentBare, persistentFiles));
        System.out.println(row("ephemeral (into the qcow2 overlay)", ephemeralBare, ephemeralFiles));
        System.out.printf(
                Locale.ROOT,
                "BENCH ephemeral / persistent, time added by the files: %.2fx%n",
                (double) (ephemeralFiles - ephemeralBare) / Math.max(1, persistentFiles - persistentBare));
    }

    private static BootSpec.Builder spec(TestGuest guest, Path device) {
        return BootSpec.builder()
                .kernelHostPath(guest.kernel().toString())
                .initrdHostPath(guest.initramfs().toString())
                .rootDevice(device.toString());
    }

    private long median(BootSpec spec, Path overlay) throws Exception {
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < SAMPLES; i++) {
            micros.add(plan(spec, overlay));
        }
        Collections.sort(micros);
        return micros.get(SAMPLES / 2);
    }

    /** One plan in a fresh work directory; microseconds. */
    private long plan(BootSpec spec, Path overlay) throws Exception {
        Path work = Files.createTempDirectory(dir, "work-");
        long start = System.nanoTime();
        LaunchPlan plan = planner.plan(spec.resolve(), work, () -> Accel.TCG, overlay);
        long took = (System.nanoTime() - start) / 1_000;
        assertThat(plan.disks()).isNotEmpty();
        return took;
    }

    private static String row(String mode, long bare, long withFiles) {
        return String.format(
                Locale.ROOT,
                "BENCH | %s | %.1f ms | %.1f ms | %.1f ms |",
                mode,
                bare / 1000.0,
                withFiles / 1000.0,
                (withFiles - bare) / 1000.0);
    }
}
