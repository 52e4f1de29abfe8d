package io.unibloc.sandbox.accel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The probe's decisions, with fake QEMU scripts standing in for the outcomes a real host can have. */
class KvmProbeTest {

    @TempDir
    Path dir;

    private Path device() throws IOException {
        return Files.writeString(dir.resolve("kvm"), "");
    }

    private String fakeQemu(String body) throws IOException {
        Path script = dir.resolve("qemu");
        Files.writeString(script, "#!/bin/sh\necho run >> " + dir.resolve("runs") + "\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script.toString();
    }

    private long runs() throws IOException {
        Path runs = dir.resolve("runs");
        return Files.exists(runs) ? Files.readAllLines(runs).size() : 0;
    }

    @Test
    void withoutTheDeviceItIsTcgWithoutRunningAnything() throws IOException {
        KvmProbe probe = new KvmProbe(fakeQemu("exit 85"), dir.resolve("no-kvm"), Duration.ofSeconds(3));

        KvmProbe.Decision decision = probe.decide();

        assertThat(decision.accel()).isEqualTo(Accel.TCG);
        assertThat(decision.reason()).contains("does not exist");
        assertThat(runs()).isZero();
    }

    @Test
    void aGuestThatReportsBackMeansKvmAndTheAnswerIsCached() throws IOException {
        KvmProbe probe = new KvmProbe(fakeQemu("echo unibloc-kvm-probe-ok\nexit 85"), device(), Duration.ofSeconds(5));

        assertThat(probe.decide().accel()).isEqualTo(Accel.KVM);
        assertThat(probe.decide().accel()).isEqualTo(Accel.KVM);
        assertThat(runs()).isEqualTo(1);
    }

    @Test
    void aHangingGuestTimesOutToTcg() throws IOException {
        KvmProbe probe = new KvmProbe(fakeQemu("exec sleep 30"), device(), Duration.ofMillis(500));

        long start = System.nanoTime();
        KvmProbe.Decision decision = probe.decide();

        assertThat(decision.accel()).isEqualTo(Accel.TCG);
        assertThat(decision.reason()).contains("did not finish within 500 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aGuestThatCrashesOrAnAbortingQemuIsTcg() throws IOException {
        KvmProbe crashed = new KvmProbe(fakeQemu("exit 0"), device(), Duration.ofSeconds(5));
        assertThat(crashed.decide().accel()).isEqualTo(Accel.TCG);
        assertThat(crashed.decide().reason()).contains("status 0 instead of 85");

        KvmProbe aborted = new KvmProbe(
                fakeQemu("echo 'error: failed to set MSR 0x10a' >&2; kill -ABRT $$"), device(), Duration.ofSeconds(5));
        assertThat(aborted.decide().accel()).isEqualTo(Accel.TCG);
        assertThat(aborted.decide().reason()).contains("failed to set MSR");
    }

    @Test
    void aMissingQemuIsTcg() throws IOException {
        KvmProbe probe = new KvmProbe(dir.resolve("no-such-qemu").toString(), device(), Duration.ofSeconds(5));

        assertThat(probe.decide().accel()).isEqualTo(Accel.TCG);
        assertThat(probe.decide().reason()).contains("no-such-qemu");
    }

    @Test
    void theProbeGuestIsTheSixtyFourBitPayloadNotATrivialOne() throws IOException {
        // The fake QEMU keeps the kernel it was given; a 32-bit print-and-exit guest ran on a KVM that hangs real ones.
        Path kept = dir.resolve("kept.bin");
        KvmProbe probe = new KvmProbe(
                fakeQemu("while [ \"$1\" != -kernel ]; do shift; done; cp \"$2\" " + kept
                        + "\necho unibloc-kvm-probe-ok\nexit 85"),
                device(),
                Duration.ofSeconds(5));

        assertThat(probe.decide().accel()).isEqualTo(Accel.KVM);
        assertThat(Files.readAllBytes(kept)).isEqualTo(LongModePayload.printAndExit("unibloc-kvm-probe-ok\n", 42));
    }

    @Test
    void aHangingProbeGuestIsRememberedAndTheNextProbeSkipsIt() throws IOException {
        Path verdictFile = dir.resolve("store/kvm-verdict.properties");
        String hang = fakeQemu("exec sleep 30");

        KvmProbe first =
                new KvmProbe(hang, device(), Duration.ofMillis(300), new KvmVerdict(verdictFile, "6.1.0-test"));
        assertThat(first.decide().accel()).isEqualTo(Accel.TCG);
        assertThat(verdictFile).exists();
        assertThat(runs()).isEqualTo(1);

        KvmProbe second =
                new KvmProbe(hang, device(), Duration.ofMillis(300), new KvmVerdict(verdictFile, "6.1.0-test"));
        KvmProbe.Decision remembered = second.decide();
        assertThat(remembered.accel()).isEqualTo(Accel.TCG);
        assertThat(remembered.reason())
                .contains("did not finish within 300 ms")
                .contains("remembered in " + verdictFile);
        assertThat(runs()).as("the remembered verdict skips the probe guest").isEqualTo(1);
    }

    @Test
    void aVerdictFromAnotherHostKernelIsIgnored() throws IOException {
        Path verdictFile = dir.resolve("kvm-verdict.properties");
        new KvmVerdict(verdictFile, "5.10.0-old").recordKvmUnusable("hung under the old kernel");

        KvmProbe probe = new KvmProbe(
                fakeQemu("echo unibloc-kvm-probe-ok\nexit 85"),
                device(),
                Duration.ofSeconds(5),
                new KvmVerdict(verdictFile, "6.1.0-new"));

        assertThat(probe.decide().accel()).isEqualTo(Accel.KVM);
        assertThat(runs()).isEqualTo(1);
    }

    @Test
    void aMissingDeviceIsNotRememberedSinceItMayAppear() throws IOException {
        Path verdictFile = dir.resolve("kvm-verdict.properties");
        KvmProbe probe = new KvmProbe(
                fakeQemu("exit 85"),
                dir.resolve("no-kvm"),
                Duration.ofSeconds(3),
                new KvmVerdict(verdictFile, "6.1.0-test"));

        assertThat(probe.decide().accel()).isEqualTo(Accel.TCG);
        assertThat(verdictFile).doesNotExist();
    }

    @Test
    void aRejectionAfterARealBootTurnsTheDecisionAndIsRemembered() throws IOException {
        Path verdictFile = dir.resolve("kvm-verdict.properties");
        KvmVerdict verdict = new KvmVerdict(verdictFile, "6.1.0-test");
        KvmProbe probe =
                new KvmProbe(fakeQemu("echo unibloc-kvm-probe-ok\nexit 85"), device(), Duration.ofSeconds(5), verdict);
        assertThat(probe.decide().accel()).isEqualTo(Accel.KVM);

        probe.reject("a guest under KVM printed nothing within 10000 ms on machine pc");

        assertThat(probe.decide().accel()).isEqualTo(Accel.TCG);
        assertThat(verdict.kvmUnusable()).contains("a guest under KVM printed nothing within 10000 ms on machine pc");
    }

    @Test
    void probesWithTheSettingsRealKvmBootsUse() {
        KvmProbe probe = new KvmProbe("qemu-system-x86_64", Path.of("/dev/kvm"), Duration.ofSeconds(3));

        assertThat(probe.command(Path.of("/tmp/p.bin")))
                .containsSubsequence("-accel", "kvm", "-cpu", "host")
                .containsSubsequence("-kernel", "/tmp/p.bin")
                .contains("isa-debug-exit,iobase=0xf4,iosize=0x01");
    }
}
