package io.unibloc.sandbox.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.sandbox.Sandbox;
import io.unibloc.sandbox.SandboxOptions;
import io.unibloc.sandbox.accel.Accel;
import io.unibloc.sandbox.accel.KvmProbe;
import io.unibloc.sandbox.accel.LongModePayload;
import io.unibloc.sandbox.accel.MultibootPayload;
import io.unibloc.sandbox.runtime.GuestExit;
import io.unibloc.sandbox.runtime.RunResult;
import io.unibloc.sandbox.spec.BootSpec;
import io.unibloc.sandbox.spec.GuestKind;
import io.unibloc.types.Machine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Boots the generated Multiboot payload for real: the multiboot path on every machine, and the KVM probe. */
@EnabledIfSystemProperty(
        named = "unibloc.it",
        matches = "true",
        disabledReason = "boots real guests; runs under failsafe (mvn verify)")
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MultibootGuestIT {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Machine.class)
    void aMultibootKernelBootsOnEveryMachineAndItsExitCodeComesBack(Machine machine) throws Exception {
        Path kernel = Files.write(
                dir.resolve("payload.bin"), MultibootPayload.printAndExit("hello from " + machine.id() + "\n", 5));
        Path disk = Files.write(dir.resolve("disk.img"), new byte[1 << 20]);
        List<String> console = new CopyOnWriteArrayList<>();

        RunResult result = new Sandbox(SandboxOptions.defaults().withAccel(Accel.TCG))
                .run(
                        BootSpec.builder()
                                .guest(GuestKind.MULTIBOOT)
                                .machine(machine)
                                .kernelHostPath(kernel.toString())
                                .rootDevice(disk.toString())
                                .memoryMiB(16)
                                .build(),
                        console::add);

        assertThat(console)
                .as("the console holds the guest's output only, no firmware banner")
                .containsExactly("hello from " + machine.id());
        assertThat(result.exit()).isEqualTo(new GuestExit.DebugExit(5));
        System.out.printf(
                "BOOT multiboot on %s: %d ms%n", machine.id(), result.runtime().toMillis());
    }

    /** Proves the KVM probe's payload itself: under TCG it reaches its marker on every machine the table picks. */
    @ParameterizedTest
    @EnumSource(Machine.class)
    void theSixtyFourBitProbePayloadRunsToItsMarkerUnderTcgOnEveryMachine(Machine machine) throws Exception {
        Path kernel = Files.write(
                dir.resolve("long.bin"), LongModePayload.printAndExit("long mode on " + machine.id() + "\n", 21));
        Path disk = Files.write(dir.resolve("disk.img"), new byte[1 << 20]);
        List<String> console = new CopyOnWriteArrayList<>();

        RunResult result = new Sandbox(SandboxOptions.defaults().withAccel(Accel.TCG))
                .run(
                        BootSpec.builder()
                                .guest(GuestKind.MULTIBOOT)
                                .machine(machine)
                                .kernelHostPath(kernel.toString())
                                .rootDevice(disk.toString())
                                .memoryMiB(16)
                                .build(),
                        console::add);

        assertThat(console).containsExactly("long mode on " + machine.id());
        assertThat(result.exit())
                .as("no CPU exception on the way (that would be code %d)", LongModePayload.FAULT_CODE)
                .isEqualTo(new GuestExit.DebugExit(21));
        System.out.printf(
                "BOOT long-mode payload on %s under TCG: first console line after %d ms%n",
                machine.id(), result.firstConsoleLine().orElseThrow().toMillis());
    }

    @ParameterizedTest
    @EnumSource(Machine.class)
    void aGuestThatNeverPrintsIsEndedByTheWatchdogNamingAccelAndMachine(Machine machine) throws Exception {
        Path kernel = Files.write(dir.resolve("silent.bin"), MultibootPayload.silent());
        Path disk = Files.write(dir.resolve("disk.img"), new byte[1 << 20]);

        long start = System.nanoTime();
        RunResult result = new Sandbox(SandboxOptions.defaults().withAccel(Accel.TCG))
                .run(
                        BootSpec.builder()
                                .guest(GuestKind.MULTIBOOT)
                                .machine(machine)
                                .kernelHostPath(kernel.toString())
                                .rootDevice(disk.toString())
                                .memoryMiB(16)
                                .bootTimeoutSeconds(2)
                                .build(),
                        line -> {});

        assertThat(result.exitCode()).isEqualTo(GuestExit.BOOT_TIMEOUT);
        assertThat(result.exit().describe())
                .contains("no console output within 2000 ms under tcg on machine " + machine.id())
                .contains("last console bytes: none");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(60));
    }

    /**
     * A Unikraft-like image on this host with default settings: the guest kind alone picks pc, the probe
     * decides the accelerator, and a KVM that cannot run the guest ends under TCG instead of hanging.
     */
    @Test
    void aUnikraftStyleKernelBootsWithDefaultSettings() throws Exception {
        Path kernel =
                Files.write(dir.resolve("kernel"), LongModePayload.printAndExit("Hello from a 64-bit kernel\n", 0));
        Path disk = Files.write(dir.resolve("disk.img"), new byte[1 << 20]);
        Sandbox sandbox = new Sandbox(SandboxOptions.defaults().withKvmVerdictFile(dir.resolve("verdict")));
        List<String> console = new CopyOnWriteArrayList<>();

        RunResult result = sandbox.run(
                BootSpec.builder()
                        .guest(GuestKind.UNIKRAFT)
                        .kernelHostPath(kernel.toString())
                        .rootDevice(disk.toString())
                        .build(),
                console::add);

        assertThat(console).containsExactly("Hello from a 64-bit kernel");
        assertThat(result.exit()).isEqualTo(new GuestExit.DebugExit(0));
        assertThat(result.accel()).isEqualTo(sandbox.qemuAccel());
        assertThat(sandbox.preview(BootSpec.builder()
                                .guest(GuestKind.UNIKRAFT)
                                .kernelHostPath(kernel.toString())
                                .rootDevice(disk.toString())
                                .build())
                        .argv())
                .containsSubsequence("-M", "pc");
        System.out.printf(
                "BOOT unikraft-style kernel with defaults: accel=%s, first console line after %d ms%n",
                result.accel(), result.firstConsoleLine().orElseThrow().toMillis());
    }

    @Test
    void theKvmProbeDecidesWithinItsTimeoutAndItsAnswerHolds() throws Exception {
        KvmProbe probe = new KvmProbe("qemu-system-x86_64", Path.of("/dev/kvm"), Duration.ofSeconds(3));

        KvmProbe.Decision decision = probe.decide();

        System.out.printf(
                "KVM probe: %s in %d ms (%s)%n",
                decision.accel(), decision.took().toMillis(), decision.reason());
        assertThat(decision.took()).isLessThan(Duration.ofSeconds(8));
        assertThat(decision.reason()).isNotBlank();
        assertThat(probe.decide()).isSameAs(decision);
        if (decision.accel() == Accel.KVM) {
            Path kernel = Files.write(dir.resolve("payload.bin"), LongModePayload.printAndExit("under kvm\n", 9));
            Path disk = Files.write(dir.resolve("disk.img"), new byte[1 << 20]);
            RunResult result = new Sandbox(SandboxOptions.defaults().withAccel(Accel.KVM))
                    .run(
                            BootSpec.builder()
                                    .guest(GuestKind.MULTIBOOT)
                                    .kernelHostPath(kernel.toString())
                                    .rootDevice(disk.toString())
                                    .memoryMiB(16)
                                    .build(),
                            line -> {});
            assertThat(result.exit()).isEqualTo(new GuestExit.DebugExit(9));
        }
    }
}
