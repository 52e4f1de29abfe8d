package io.unibloc.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.sandbox.accel.Accel;
import io.unibloc.sandbox.launch.CommandLine;
import io.unibloc.sandbox.runtime.BootWatchdog;
import io.unibloc.sandbox.runtime.GuestExit;
import io.unibloc.sandbox.runtime.RunResult;
import io.unibloc.sandbox.runtime.VmmControl;
import io.unibloc.sandbox.runtime.VmmProcess;
import io.unibloc.types.Vmm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The auto mode's second chance, with shell scripts standing in for QEMU: the "KVM" attempt behaves like this
 * host's KVM (silent for ever), the "TCG" attempt prints and exits.
 */
@Timeout(60)
class KvmFallbackGuestTest {

    /** A control without a power button, like a VMM whose socket is gone: stops end by the grace-period kill. */
    private static final VmmControl NO_BUTTON = new VmmControl() {
        @Override
        public void pressPowerButton() throws IOException {
            throw new IOException("no control socket");
        }

        @Override
        public String shutdownReason() {
            return null;
        }
    };

    private final List<String> console = new CopyOnWriteArrayList<>();
    private final List<String> rejections = new CopyOnWriteArrayList<>();
    private final AtomicInteger retries = new AtomicInteger();

    private VmmProcess attempt(String script, Accel accel, Duration deadline) {
        String name = accel == Accel.KVM ? "kvm" : "tcg";
        try {
            return VmmProcess.start(
                    new CommandLine(List.of("sh", "-c", script), Map.of()),
                    Vmm.QEMU,
                    accel,
                    new BootWatchdog(deadline, name, "pc"),
                    NO_BUTTON,
                    console::add,
                    () -> {});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private KvmFallbackGuest guest(String kvmScript, String tcgScript) {
        VmmProcess first = attempt(kvmScript, Accel.KVM, Duration.ofMillis(400));
        return new KvmFallbackGuest(
                first,
                () -> {
                    retries.incrementAndGet();
                    return attempt(tcgScript, Accel.TCG, Duration.ofSeconds(20));
                },
                rejections::add);
    }

    @Test
    void aKvmBootSilentPastItsDeadlineIsRetriedOnceUnderTcgAndKvmIsRejected() throws Exception {
        KvmFallbackGuest guest =
                guest("echo 'KVM internal error. Suberror: 1' >&2; exec sleep 60", "echo hello from tcg; exit 9");

        RunResult result = guest.awaitExit();

        assertThat(result.exit()).isEqualTo(new GuestExit.DebugExit(4));
        assertThat(result.accel()).isEqualTo(Accel.TCG);
        assertThat(console).containsExactly("hello from tcg");
        assertThat(retries).hasValue(1);
        assertThat(rejections)
                .containsExactly("a guest under KVM printed nothing within 400 ms on machine pc "
                        + "(QEMU: KVM internal error. Suberror: 1)");
        assertThat(guest.firstOutput().get(1, TimeUnit.SECONDS).accel()).isEqualTo("tcg");
        assertThat(guest.awaitExit()).isSameAs(result);
    }

    @Test
    void aKvmBootThatPrintsIsFinalEvenWhenItFails() throws Exception {
        KvmFallbackGuest guest = guest("echo panic; exit 0", "echo never; exit 0");

        RunResult result = guest.awaitExit();

        assertThat(result.accel()).isEqualTo(Accel.KVM);
        assertThat(console).containsExactly("panic");
        assertThat(retries).hasValue(0);
        assertThat(rejections).isEmpty();
    }

    @Test
    void aTcgRetryThatIsSilentTooEndsAsItsOwnBootTimeout() throws Exception {
        VmmProcess first = attempt("exec sleep 60", Accel.KVM, Duration.ofMillis(300));
        KvmFallbackGuest guest = new KvmFallbackGuest(
                first, () -> attempt("exec sleep 60", Accel.TCG, Duration.ofMillis(300)), rejections::add);

        RunResult result = guest.awaitExit();

        assertThat(result.exit()).isInstanceOf(GuestExit.BootTimeout.class);
        assertThat(result.exit().describe()).contains("under tcg on machine pc");
        assertThat(rejections).hasSize(1);
    }

    @Test
    void aGuestStoppedDuringItsKvmBootIsNotRetried() throws Exception {
        KvmFallbackGuest guest = guest("trap '' TERM; exec sleep 60", "echo never; exit 0");

        guest.stop(Duration.ofMillis(200));
        RunResult result = guest.awaitExit();

        assertThat(result.exit()).isInstanceOf(GuestExit.Killed.class);
        assertThat(retries).hasValue(0);
        assertThat(console).isEmpty();
    }
}
