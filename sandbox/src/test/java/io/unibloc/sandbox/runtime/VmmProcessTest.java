package io.unibloc.sandbox.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unibloc.sandbox.accel.Accel;
import io.unibloc.sandbox.launch.CommandLine;
import io.unibloc.types.Vmm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The process side of a boot, with shell scripts standing in for the VMM. */
@Timeout(60)
class VmmProcessTest {

    @TempDir
    Path dir;

    private final List<String> console = new CopyOnWriteArrayList<>();
    private final AtomicInteger presses = new AtomicInteger();
    private final AtomicInteger cleanups = new AtomicInteger();

    /** A control whose power button makes the fake VMM exit by creating a file it polls for. */
    private VmmControl control(boolean buttonWorks) {
        return new VmmControl() {
            @Override
            public void pressPowerButton() throws IOException {
                presses.incrementAndGet();
                if (!buttonWorks) {
                    throw new IOException("no socket");
                }
                Files.writeString(dir.resolve("pressed"), "");
            }

            @Override
            public String shutdownReason() {
                return null;
            }
        };
    }

    private VmmProcess start(String script, VmmControl control) throws IOException {
        CommandLine command = new CommandLine(List.of("sh", "-c", script), Map.of(dir.resolve("config.json"), "{}"));
        return VmmProcess.start(command, Vmm.QEMU, Accel.TCG, control, console::add, cleanups::incrementAndGet);
    }

    @Test
    void streamsTheConsoleLineByLineAndMapsTheDebugExitCode() throws Exception {
        VmmProcess guest =
                start("printf 'one\\r\\ntwo\\n'; sleep 0.2; printf 'three\\nno newline'; exit 7", control(true));

        RunResult result = guest.awaitExit();

        assertThat(console).containsExactly("one", "two", "three", "no newline");
        assertThat(result.exit()).isEqualTo(new GuestExit.DebugExit(3));
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.accel()).isEqualTo(Accel.TCG);
        assertThat(result.firstConsoleLine()).isPresent();
        assertThat(result.timeToFirstConsoleLine()).isLessThanOrEqualTo(result.runtime());
        assertThat(dir.resolve("config.json")).hasContent("{}");
    }

    private VmmProcess startWatched(String script, Duration deadline) throws IOException {
        CommandLine command = new CommandLine(List.of("sh", "-c", script), Map.of());
        return VmmProcess.start(
                command,
                Vmm.QEMU,
                Accel.KVM,
                new BootWatchdog(deadline, "kvm", "pc"),
                control(true),
                console::add,
                cleanups::incrementAndGet);
    }

    @Test
    void aGuestSilentPastItsBootDeadlineIsEndedAsABootTimeoutNamingAccelMachineAndWhatQemuSaid() throws Exception {
        VmmProcess guest = startWatched(
                "echo 'KVM internal error. Suberror: 1' >&2; echo 'extra data[0]: 0x1' >&2;"
                        + " echo 'Code=00 0f 01' >&2; exec sleep 60",
                Duration.ofMillis(500));

        RunResult result = guest.awaitExit();

        assertThat(result.exit()).isInstanceOf(GuestExit.BootTimeout.class);
        assertThat(result.exitCode()).isEqualTo(GuestExit.BOOT_TIMEOUT).isEqualTo(124);
        assertThat(result.exit().describe())
                .isEqualTo(
                        "boot watchdog: no console output within 500 ms under kvm on machine pc; last console bytes: "
                                + "none; the VMM said: KVM internal error. Suberror: 1");
        assertThat(guest.firstOutput()).isNotDone();
        assertThat(guest.isAlive()).isFalse();
        assertThat(cleanups).hasValue(1);
    }

    @Test
    void outputBeforeTheDeadlineIsEvidenceThatTheGuestRunsAndDisarmsTheWatchdog() throws Exception {
        VmmProcess guest = startWatched("printf 'booting'; sleep 1.5; echo ' done'; exit 7", Duration.ofMillis(700));

        BootEvidence evidence = guest.firstOutput().get(10, TimeUnit.SECONDS);
        RunResult result = guest.awaitExit();

        assertThat(evidence.accel()).isEqualTo("kvm");
        assertThat(evidence.machine()).isEqualTo("pc");
        assertThat(evidence.after()).isLessThanOrEqualTo(result.runtime());
        assertThat(result.exit()).as("half a line counts as output").isEqualTo(new GuestExit.DebugExit(3));
        assertThat(console).containsExactly("booting done");
    }

    @Test
    void aGuestBeingStoppedIsNotReportedAsABootTimeout() throws Exception {
        VmmProcess guest = startWatched("trap '' TERM; exec sleep 60", Duration.ofMillis(800));

        guest.stop(Duration.ofMillis(200));
        RunResult result = guest.awaitExit();

        assertThat(result.exit()).isInstanceOf(GuestExit.Killed.class);
    }

    @Test
    void withoutAWatchdogASilentGuestKeepsRunning() throws Exception {
        CommandLine command = new CommandLine(List.of("sh", "-c", "exec sleep 60"), Map.of());
        VmmProcess guest = VmmProcess.start(
                command,
                Vmm.QEMU,
                Accel.TCG,
                BootWatchdog.disabled("tcg", "pc"),
                control(false),
                console::add,
                cleanups::incrementAndGet);

        Thread.sleep(1000);

        assertThat(guest.isAlive()).isTrue();
        guest.kill();
        assertThat(guest.awaitExit().exit()).isInstanceOf(GuestExit.Killed.class);
    }

    @Test
    void awaitingTwiceGivesTheSameResultAndCleansUpOnce() throws Exception {
        VmmProcess guest = start("exit 0", control(true));

        RunResult first = guest.awaitExit();
        RunResult second = guest.awaitExit();

        assertThat(second).isSameAs(first);
        assertThat(first.exit()).isEqualTo(new GuestExit.PoweredOff());
        assertThat(first.firstConsoleLine()).isEmpty();
        assertThat(cleanups).hasValue(1);
    }

    @Test
    void stopPressesThePowerButtonAndAGuestThatObeysPowersOff() throws Exception {
        VmmProcess guest = start(
                "echo ready; while [ ! -e " + dir.resolve("pressed") + " ]; do sleep 0.05; done;" + " echo bye; exit 0",
                control(true));
        awaitLine("ready");

        guest.stop(Duration.ofSeconds(30));
        guest.stop(Duration.ofSeconds(30));
        RunResult result = guest.awaitExit();

        assertThat(result.exit()).isEqualTo(new GuestExit.PoweredOff());
        assertThat(console).containsExactly("ready", "bye");
        assertThat(presses).hasValue(1);
    }

    @Test
    void aGuestThatIgnoresThePowerButtonIsKilledAfterTheGracePeriod() throws Exception {
        VmmProcess guest = start("trap '' TERM; echo ready; exec sleep 60", control(false));
        awaitLine("ready");

        long start = System.nanoTime();
        guest.stop(Duration.ofMillis(300));
        RunResult result = guest.awaitExit();

        assertThat(result.exit()).isInstanceOf(GuestExit.Killed.class);
        assertThat(result.exitCode()).isEqualTo(GuestExit.KILLED);
        assertThat(result.exit().describe()).contains("300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        assertThat(guest.isAlive()).isFalse();
    }

    @Test
    void aPowerButtonThatHangsDoesNotDelayTheKill() throws Exception {
        VmmControl hanging = new VmmControl() {
            @Override
            public void pressPowerButton() throws IOException {
                presses.incrementAndGet();
                try {
                    Thread.sleep(30_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public String shutdownReason() {
                return null;
            }
        };
        VmmProcess guest = start("echo ready; exec sleep 60", hanging);
        awaitLine("ready");

        long start = System.nanoTime();
        guest.stop(Duration.ofMillis(300));
        RunResult result = guest.awaitExit();

        assertThat(result.exit()).isInstanceOf(GuestExit.Killed.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void killEndsTheVmmAtOnce() throws Exception {
        VmmProcess guest = start("echo ready; exec sleep 60", control(true));
        awaitLine("ready");

        guest.kill();

        assertThat(guest.awaitExit().exit()).isEqualTo(new GuestExit.Killed("killed on request"));
        assertThat(presses).hasValue(0);
    }

    @Test
    void interruptingTheWaitKillsTheGuest() throws Exception {
        VmmProcess guest = start("echo ready; exec sleep 60", control(true));
        awaitLine("ready");
        Thread waiter = Thread.currentThread();
        Thread interrupter = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
            waiter.interrupt();
        });
        interrupter.start();

        assertThatThrownBy(guest::awaitExit).isInstanceOf(InterruptedException.class);

        assertThat(guest.awaitExit().exit())
                .isEqualTo(new GuestExit.Killed("the thread waiting for the guest was interrupted"));
    }

    @Test
    void stoppingAnEndedGuestDoesNothing() throws Exception {
        VmmProcess guest = start("exit 0", control(true));
        guest.awaitExit();

        guest.stop(Duration.ofSeconds(1));

        assertThat(presses).hasValue(0);
    }

    @Test
    void theVmmRunsInItsOwnSessionUnderTheReportedPid() throws Exception {
        VmmProcess guest = start("echo ready; exec sleep 60", control(true));
        awaitLine("ready");

        ProcessHandle vmm = ProcessHandle.of(guest.pid()).orElseThrow();
        assertThat(vmm.info().command())
                .hasValueSatisfying(command -> assertThat(command).endsWith("sleep"));
        guest.kill();
        guest.awaitExit();
    }

    /** A fake VMM that powers off 300 ms after its power button, as a guest's orderly shutdown takes a while. */
    private String slowPowerOff() {
        return "echo ready; while [ ! -e " + dir.resolve("pressed") + " ]; do sleep 0.05; done;"
                + " sleep 0.3; echo bye; exit 0";
    }

    @Test
    void theOrphanGuardLetsARequestedStopFinishGracefully() throws Exception {
        VmmProcess guest = start(slowPowerOff(), control(true));
        awaitLine("ready");

        guest.stop(Duration.ofSeconds(20));
        guest.guardAgainstOrphan();

        assertThat(guest.isAlive()).isFalse();
        RunResult result = guest.awaitExit();
        assertThat(result.exit()).isEqualTo(new GuestExit.PoweredOff());
        assertThat(console).containsExactly("ready", "bye");
    }

    @Test
    void theOrphanGuardHonoursAStopThatArrivesJustAfterItStarted() throws Exception {
        VmmProcess guest = start(slowPowerOff(), control(true));
        awaitLine("ready");

        // As in a JVM exit: the launcher's own hook calls stop concurrently with the guard, here slightly later.
        Thread guard = new Thread(guest::guardAgainstOrphan, "test-guard");
        guard.start();
        Thread.sleep(VmmProcess.STOP_REQUEST_WINDOW.toMillis() / 5);
        guest.stop(Duration.ofSeconds(20));
        guard.join(20_000);

        assertThat(guard.isAlive()).isFalse();
        assertThat(guest.awaitExit().exit()).isEqualTo(new GuestExit.PoweredOff());
    }

    @Test
    void theOrphanGuardKillsWhenNoStopWasRequested() throws Exception {
        VmmProcess guest = start(slowPowerOff(), control(true));
        awaitLine("ready");

        long start = System.nanoTime();
        guest.guardAgainstOrphan();

        assertThat(guest.awaitExit().exit())
                .isEqualTo(new GuestExit.Killed("the sandbox's JVM exited while the guest ran"));
        assertThat(presses).hasValue(0);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void theOrphanGuardKillsAtTheStopDeadlineWhenTheGuestIgnoresThePowerButton() throws Exception {
        VmmProcess guest = start("trap '' TERM; echo ready; exec sleep 60", control(false));
        awaitLine("ready");

        long start = System.nanoTime();
        guest.stop(Duration.ofMillis(400));
        guest.guardAgainstOrphan();
        Duration guarded = Duration.ofNanos(System.nanoTime() - start);

        assertThat(guarded).isGreaterThanOrEqualTo(Duration.ofMillis(350)).isLessThan(Duration.ofSeconds(10));
        RunResult result = guest.awaitExit();
        assertThat(result.exit()).isInstanceOf(GuestExit.Killed.class);
        assertThat(result.exit().describe()).contains("400 ms");
    }

    private void awaitLine(String line) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!console.contains(line)) {
            assertThat(System.nanoTime()).as("waiting for console line " + line).isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
