package io.unibloc.sandbox.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.types.Vmm;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ExitMapperTest {

    private static final List<String> QUIET = List.of();
    private static final List<String> WARNED =
            List.of("qemu-system-x86_64: warning: host doesn't support requested feature: CPUID.01H:ECX.pni [bit 0]");
    private static final List<String> FAILED =
            List.of("qemu-system-x86_64: -drive file=/dev/x: Could not open '/dev/x': No such file or directory");

    static Stream<Arguments> cases() {
        return Stream.of(
                of("QEMU 0 is a power-off", Vmm.QEMU, 0, null, null, QUIET, new GuestExit.PoweredOff(), 0),
                of(
                        "QEMU 0 after guest-shutdown",
                        Vmm.QEMU,
                        0,
                        null,
                        "guest-shutdown",
                        QUIET,
                        new GuestExit.PoweredOff(),
                        0),
                of("QEMU 0 after guest-reset", Vmm.QEMU, 0, null, "guest-reset", QUIET, new GuestExit.Reset(), 126),
                of("QEMU 0 after an outside signal", Vmm.QEMU, 0, null, "host-signal", QUIET, null, 137),
                of("debug-exit 1 -> QEMU 3", Vmm.QEMU, 3, null, null, QUIET, new GuestExit.DebugExit(1), 1),
                of("debug-exit 5 -> QEMU 11", Vmm.QEMU, 11, null, null, WARNED, new GuestExit.DebugExit(5), 5),
                of("debug-exit 127 -> QEMU 255", Vmm.QEMU, 255, null, null, QUIET, new GuestExit.DebugExit(127), 127),
                of(
                        "QEMU 1 without complaint is debug-exit 0",
                        Vmm.QEMU,
                        1,
                        null,
                        null,
                        WARNED,
                        new GuestExit.DebugExit(0),
                        0),
                of(
                        "QEMU 1 with an error is a VMM failure",
                        Vmm.QEMU,
                        1,
                        null,
                        null,
                        FAILED,
                        new GuestExit.VmmFailed(1, FAILED.get(0)),
                        125),
                of("debug-exit 63 -> QEMU 127", Vmm.QEMU, 127, null, null, QUIET, new GuestExit.DebugExit(63), 63),
                of("debug-exit 70 -> QEMU 141", Vmm.QEMU, 141, null, null, QUIET, new GuestExit.DebugExit(70), 70),
                of(
                        "QEMU aborted",
                        Vmm.QEMU,
                        134,
                        null,
                        null,
                        QUIET,
                        new GuestExit.VmmFailed(134, "QEMU died of signal 6"),
                        125),
                of(
                        "QEMU segfaulted",
                        Vmm.QEMU,
                        139,
                        null,
                        null,
                        QUIET,
                        new GuestExit.VmmFailed(139, "QEMU died of signal 11"),
                        125),
                of("QEMU killed by the OOM killer", Vmm.QEMU, 137, null, null, QUIET, null, 137),
                of("QEMU even status", Vmm.QEMU, 2, null, null, FAILED, new GuestExit.VmmFailed(2, FAILED.get(0)), 125),
                of(
                        "killed after the grace period",
                        Vmm.QEMU,
                        137,
                        "too slow",
                        null,
                        QUIET,
                        new GuestExit.Killed("too slow"),
                        137),
                of("Firecracker 0", Vmm.FIRECRACKER, 0, null, null, QUIET, new GuestExit.PoweredOff(), 0),
                of(
                        "Firecracker 1",
                        Vmm.FIRECRACKER,
                        1,
                        null,
                        null,
                        List.of("boom"),
                        new GuestExit.VmmFailed(1, "boom"),
                        125),
                of(
                        "Cloud Hypervisor 3 is not a debug exit",
                        Vmm.CLOUD_HYPERVISOR,
                        3,
                        null,
                        null,
                        QUIET,
                        new GuestExit.VmmFailed(3, ""),
                        125));
    }

    private static Arguments of(
            String name,
            Vmm vmm,
            int status,
            String killReason,
            String reason,
            List<String> stderr,
            GuestExit expected,
            int exitCode) {
        return Arguments.of(Named.of(name, vmm), status, killReason, reason, stderr, expected, exitCode);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void mapsHowTheVmmEnded(
            Vmm vmm,
            int status,
            String killReason,
            String reason,
            List<String> stderr,
            GuestExit expected,
            int exitCode) {
        GuestExit exit = ExitMapper.map(vmm, status, killReason, reason, stderr);

        if (expected != null) {
            assertThat(exit).isEqualTo(expected);
        } else {
            assertThat(exit).isInstanceOf(GuestExit.Killed.class);
        }
        assertThat(exit.exitCode()).isEqualTo(exitCode);
        assertThat(exit.describe()).isNotBlank();
    }
}
