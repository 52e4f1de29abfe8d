package io.unibloc.csi.node.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.unibloc.sandbox.accel.KvmVerdict;
import io.unibloc.testkit.guest.TestGuest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's KVM decision with the real probe guest under this host's QEMU and /dev/kvm, against what this host
 * really does: before the probe runs, a real 64-bit Linux guest (the test guest: the host's kernel and a busybox
 * initramfs) is booted straight under {@code qemu-system-x86_64 -accel kvm}, and whether its init speaks decides
 * which case applies (when it does not, the same command under TCG must make it speak, so silence is KVM's). The decision must match that evidence, so a probe that always fails (or always passes)
 * fails one of the cases on a host where the evidence says otherwise; and a failed probe is remembered.
 */
class KvmDecisionOnThisHostIT {
    private static final Path KVM = Path.of("/dev/kvm");
    /** Generous: the machine is shared and loaded; a guest that KVM hangs never speaks however long we wait. */
    private static final Duration GUEST_BOOT = Duration.ofSeconds(90);

    private static boolean kvmRunsA64BitGuest;

    @TempDir
    Path dir;

    @BeforeAll
    static void bootARealGuestUnderKvm(@TempDir Path work) throws Exception {
        assumeTrue(Files.isReadable(KVM) && Files.isWritable(KVM), "no usable /dev/kvm device node here");
        TestGuest guest = TestGuest.prepare();
        kvmRunsA64BitGuest = boots(guest, work.resolve("kvm.log"), "kvm", "host");
        if (!kvmRunsA64BitGuest) {
            // the control: the same command under TCG must boot it, or silence would prove nothing about KVM
            assertThat(boots(guest, work.resolve("tcg.log"), "tcg", "max"))
                    .as("the same guest under TCG (control of the evidence)")
                    .isTrue();
        }
        System.out.printf(
                "FIGURES kvm evidence: a 64-bit Linux guest under -accel kvm ran its init=%s%n", kvmRunsA64BitGuest);
    }

    /** Boots the test guest under {@code accel}; true when its init printed anything within {@link #GUEST_BOOT}. */
    private static boolean boots(TestGuest guest, Path console, String accel, String cpu) throws Exception {
        Process qemu = new ProcessBuilder(List.of(
                        "qemu-system-x86_64",
                        "-accel",
                        accel,
                        "-cpu",
                        cpu,
                        "-m",
                        "256",
                        "-nodefaults",
                        "-no-reboot",
                        "-display",
                        "none",
                        "-serial",
                        "stdio",
                        "-kernel",
                        guest.kernel().toString(),
                        "-initrd",
                        guest.initramfs().toString(),
                        "-append",
                        "console=ttyS0 panic=-1 " + TestGuest.PARAM_EXIT + "=0"))
                .redirectErrorStream(true)
                .redirectOutput(console.toFile())
                .start();
        try {
            long until = System.nanoTime() + GUEST_BOOT.toNanos();
            while (System.nanoTime() < until && qemu.isAlive() && !spoke(console)) {
                Thread.sleep(200);
            }
            return spoke(console);
        } finally {
            qemu.destroyForcibly().waitFor();
        }
    }

    private static boolean spoke(Path console) throws IOException {
        return Files.readAllLines(console).stream().anyMatch(l -> l.contains(TestGuest.LINE_PREFIX));
    }

    private KvmState decide(Path file) {
        KvmState state =
                KvmAvailability.decide("auto", "qemu-system-x86_64", KVM, Duration.ofSeconds(10), new KvmVerdict(file));
        System.out.printf(
                "FIGURES kvm decision usable=%s reason=%s took=%d ms message=%s%n",
                state.usable(), state.reason(), state.probeTook().toMillis(), state.message());
        return state;
    }

    @Test
    void whereKvmRunsRealGuestsTheProbePassesAndRecordsNothing() {
        assumeTrue(kvmRunsA64BitGuest, "this host's KVM does not run a 64-bit guest");
        Path file = dir.resolve("accel").resolve(KvmDevicePlugin.VERDICT_FILE_NAME);
        KvmState first = decide(file);
        assertThat(first.usable()).as(first.message()).isTrue();
        assertThat(first.reason()).isEqualTo(KvmState.Reason.ProbePassed);
        assertThat(file).as("a passing probe records nothing").doesNotExist();
        assertThat(decide(file).reason()).isEqualTo(KvmState.Reason.ProbePassed);
    }

    @Test
    void whereKvmHangsRealGuestsTheProbeGuestFailsAndTheVerdictIsRemembered() {
        assumeFalse(kvmRunsA64BitGuest, "this host's KVM runs a 64-bit guest");
        Path file = dir.resolve("accel").resolve(KvmDevicePlugin.VERDICT_FILE_NAME);
        KvmState first = decide(file);
        assertThat(first.usable()).isFalse();
        assertThat(first.reason()).isEqualTo(KvmState.Reason.ProbeFailed);
        assertThat(first.message())
                .as("the probe guest itself failed (not QEMU or the device)")
                .startsWith("the 64-bit probe guest");
        assertThat(file).as("a failed probe guest is remembered").exists();

        KvmState second = decide(file);
        assertThat(second.reason()).isEqualTo(KvmState.Reason.VerdictRemembered);
        assertThat(second.probeTook()).isEqualTo(Duration.ZERO);
        assertThat(second.message()).contains(first.message());
    }
}
