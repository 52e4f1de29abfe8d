package io.unibloc.csi.node.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.unibloc.sandbox.accel.KvmVerdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's KVM decision with the real probe guest under this host's QEMU and /dev/kvm, and the verdict file it
 * leaves: a KVM that fails the probe is remembered, so the next start decides without booting anything.
 */
class KvmDecisionOnThisHostIT {
    private static final Path KVM = Path.of("/dev/kvm");

    @TempDir
    Path dir;

    @Test
    void theRealProbeAndTheVerdictFileAgree() {
        assumeTrue(Files.isReadable(KVM) && Files.isWritable(KVM), "no usable /dev/kvm device node here");
        Path file = dir.resolve("accel").resolve(KvmDevicePlugin.VERDICT_FILE_NAME);
        KvmState first =
                KvmAvailability.decide("auto", "qemu-system-x86_64", KVM, Duration.ofSeconds(10), new KvmVerdict(file));
        System.out.printf(
                "FIGURES kvm decision usable=%s reason=%s took=%d ms message=%s%n",
                first.usable(), first.reason(), first.probeTook().toMillis(), first.message());

        KvmState second =
                KvmAvailability.decide("auto", "qemu-system-x86_64", KVM, Duration.ofSeconds(10), new KvmVerdict(file));
        if (first.usable()) {
            assertThat(first.reason()).isEqualTo(KvmState.Reason.ProbePassed);
            assertThat(file).as("a passing probe records nothing").doesNotExist();
            assertThat(second.reason()).isEqualTo(KvmState.Reason.ProbePassed);
        } else {
            assertThat(first.reason()).isEqualTo(KvmState.Reason.ProbeFailed);
            if (first.message().startsWith("the 64-bit probe guest")) {
                assertThat(file).as("a failed probe guest is remembered").exists();
                assertThat(second.reason()).isEqualTo(KvmState.Reason.VerdictRemembered);
                assertThat(second.probeTook()).isEqualTo(Duration.ZERO);
                assertThat(second.message()).contains(first.message());
            }
        }
    }
}
