package io.unibloc.sandbox.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.sandbox.Sandbox;
import io.unibloc.sandbox.SandboxOptions;
import io.unibloc.sandbox.accel.Accel;
import io.unibloc.sandbox.accel.KvmProbe;
import io.unibloc.sandbox.accel.LongModePayload;
import io.unibloc.sandbox.accel.MultibootPayload;
import io.unibloc.sandbox.runtime.BootEvidence;
import io.unibloc.sandbox.runtime.RunningGuest;
import io.unibloc.sandbox.spec.BootSpec;
import io.unibloc.sandbox.spec.GuestKind;
import io.unibloc.testkit.guest.GuestDisks;
import io.unibloc.testkit.guest.GuestRootfs;
import io.unibloc.testkit.guest.TestGuest;
import io.unibloc.types.Machine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Boot time to the first console byte per guest kind and machine under TCG, and the KVM probe's duration: the
 * figures of docs/benchmarks.md. A benchmark, not a test of speed: it prints medians and asserts only that
 * every boot produced output. Run with {@code -Dunibloc.bench=true -Dit.test=BootTimeBenchIT}.
 */
@EnabledIfSystemProperty(
        named = "unibloc.bench",
        matches = "true",
        disabledReason = "a benchmark; -Dunibloc.bench=true")
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class BootTimeBenchIT {

    private static final int SAMPLES = 3;

    @TempDir
    Path dir;

    private final Sandbox sandbox = new Sandbox(SandboxOptions.defaults().withAccel(Accel.TCG));

    @Test
    void bootTimesUnderTcg() throws Exception {
        TestGuest linux = TestGuest.prepare();
        Path tree = GuestRootfs.builder().app("#!/bin/sh\nexit 0\n").writeTo(dir.resolve("tree"));
        Path ext4 = GuestDisks.ext4(tree, dir.resolve("root.ext4"), 32);
        Path disk = Files.write(dir.resolve("disk.img"), new byte[1 << 20]);
        Path multiboot = Files.write(dir.resolve("mb.bin"), MultibootPayload.printAndExit("hello\n", 0));
        Path longMode = Files.write(dir.resolve("lm.bin"), LongModePayload.printAndExit("hello\n", 0));

        List<String> rows = new ArrayList<>();
        for (Machine machine : Machine.values()) {
            rows.add(row(
                    "linux (Debian kernel + test initramfs)",
                    machine,
                    BootSpec.builder()
                            .kernelHostPath(linux.kernel().toString())
                            .initrdHostPath(linux.initramfs().toString())
                            .rootDevice(ext4.toString())
                            .machine(machine)
                            .build()));
            rows.add(row(
                    "unikraft-style 64-bit kernel (probe payload)",
                    machine,
                    BootSpec.builder()
                            .guest(GuestKind.UNIKRAFT)
                            .kernelHostPath(longMode.toString())
                            .rootDevice(disk.toString())
                            .machine(machine)
                            .build()));
            rows.add(row(
                    "multiboot 32-bit payload",
                    machine,
                    BootSpec.builder()
                            .guest(GuestKind.MULTIBOOT)
                            .kernelHostPath(multiboot.toString())
                            .rootDevice(disk.toString())
                            .memoryMiB(16)
                            .machine(machine)
                            .build()));
        }
        KvmProbe.Decision probe =
                new KvmProbe("qemu-system-x86_64", Path.of("/dev/kvm"), Duration.ofSeconds(3)).decide();

        System.out.println("BENCH | guest | machine | first console output, median of " + SAMPLES + " (min-max) |");
        rows.forEach(row -> System.out.println("BENCH " + row));
        System.out.printf(
                "BENCH KVM probe: %s in %d ms (%s)%n",
                probe.accel(), probe.took().toMillis(), probe.reason());
    }

    /** Boots {@code spec} SAMPLES times, each until its first console output, then kills it. */
    private String row(String guest, Machine machine, BootSpec spec) throws Exception {
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < SAMPLES; i++) {
            RunningGuest running = sandbox.start(spec, line -> {});
            BootEvidence evidence = running.firstOutput().get(120, TimeUnit.SECONDS);
            running.kill();
            running.awaitExit();
            assertThat(evidence.machine()).isEqualTo(machine.id());
            millis.add(evidence.after().toMillis());
        }
        Collections.sort(millis);
        return String.format(
                Locale.ROOT,
                "| %s | %s | %d ms (%d-%d) |",
                guest,
                machine.id(),
                millis.get(millis.size() / 2),
                millis.get(0),
                millis.get(millis.size() - 1));
    }
}
