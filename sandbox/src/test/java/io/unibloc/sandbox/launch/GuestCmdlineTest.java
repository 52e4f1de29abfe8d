package io.unibloc.sandbox.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unibloc.sandbox.accel.Accel;
import io.unibloc.sandbox.spec.BootSpec;
import io.unibloc.sandbox.spec.GuestKind;
import io.unibloc.sandbox.spec.InvalidBootSpecException;
import io.unibloc.types.Machine;
import io.unibloc.types.Vmm;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class GuestCmdlineTest {

    private static final OptionalLong NO_TSC = OptionalLong.empty();

    private static BootSpec.Builder linux() {
        return BootSpec.builder().kernel("/boot/vmlinuz").machine(Machine.PC);
    }

    private static String compose(BootSpec.Builder spec, Accel accel, OptionalLong tsc) {
        return GuestCmdline.compose(spec.build().resolve(), accel, tsc);
    }

    @Test
    void linuxGetsTheRootDeviceWritableByDefault() {
        assertThat(compose(linux(), Accel.KVM, NO_TSC)).isEqualTo("console=ttyS0 root=/dev/vda rw panic=1 edd=off");
    }

    @Test
    void aReadOnlyRootIsMountedReadOnly() {
        assertThat(compose(linux().readOnly(true), Accel.KVM, NO_TSC))
                .isEqualTo("console=ttyS0 root=/dev/vda ro panic=1 edd=off");
    }

    @Test
    void whatTheUserSaysIsKeptAndNotRepeated() {
        assertThat(compose(linux().cmdline("console=hvc0 root=/dev/vda1 ro quiet"), Accel.KVM, NO_TSC))
                .isEqualTo("console=hvc0 root=/dev/vda1 ro quiet panic=1 edd=off");
    }

    @Test
    void envBecomesInitsEnvironmentAndArgsFollowTheDashes() {
        BootSpec.Builder spec = linux().putEnv("GREETING", "hello world")
                .putEnv("EMPTY", "")
                .putEnv("N", "1")
                .args(List.of("/app/run", "two words", "x"));

        assertThat(compose(spec, Accel.KVM, NO_TSC))
                .isEqualTo(
                        "console=ttyS0 root=/dev/vda rw panic=1 edd=off GREETING=\"hello world\" EMPTY=\"\" N=1 -- /app/run \"two words\" x");
    }

    @Test
    void argsJoinWhatFollowsTheUsersOwnDashes() {
        BootSpec.Builder spec =
                linux().cmdline("console=ttyS0 -- first").putEnv("K", "V").args(List.of("second"));

        assertThat(compose(spec, Accel.KVM, NO_TSC))
                .isEqualTo("console=ttyS0 root=/dev/vda rw panic=1 edd=off K=V -- first second");
    }

    @Test
    void firecrackerGetsItsDocumentedBootArguments() {
        BootSpec.Builder spec = linux().vmm(Vmm.FIRECRACKER).machine(null).cmdline("console=ttyS0 panic=0");

        assertThat(compose(spec, Accel.KVM, NO_TSC))
                .isEqualTo("console=ttyS0 panic=0 root=/dev/vda rw reboot=k pci=off");
    }

    @Test
    void microvmUnderTcgGetsTheHostTscSoLinuxNeedNotCalibrate() {
        BootSpec.Builder spec = linux().machine(Machine.MICROVM);

        assertThat(compose(spec, Accel.TCG, OptionalLong.of(2596140)))
                .isEqualTo("console=ttyS0 root=/dev/vda rw panic=1 edd=off pci=off tsc_early_khz=2596140");
        assertThat(compose(spec, Accel.KVM, OptionalLong.of(2596140)))
                .isEqualTo("console=ttyS0 root=/dev/vda rw panic=1 edd=off pci=off");
        assertThat(compose(spec, Accel.TCG, NO_TSC))
                .isEqualTo("console=ttyS0 root=/dev/vda rw panic=1 edd=off pci=off");
        assertThat(compose(linux(), Accel.TCG, OptionalLong.of(2596140))).doesNotContain("tsc_early_khz");
    }

    @Test
    void unikraftGetsItsEnvVarsLibraryParameter() {
        BootSpec.Builder spec = BootSpec.builder()
                .kernel("/k")
                .guest(GuestKind.UNIKRAFT)
                .cmdline("vfs.fstab=[ \"fs0:/:virtiofs\" ]")
                .putEnv("HOME", "/")
                .putEnv("PATH", "/bin")
                .args(List.of("-c", "/nginx/conf/nginx.conf"));

        assertThat(compose(spec, Accel.KVM, NO_TSC))
                .isEqualTo(
                        "vfs.fstab=[ \"fs0:/:virtiofs\" ] env.vars=[ \"HOME=/\" \"PATH=/bin\" ] -- -c /nginx/conf/nginx.conf");
    }

    @Test
    void unikraftWithoutEnvOrArgsKeepsItsCommandLine() {
        assertThat(compose(BootSpec.builder().kernel("/k").guest(GuestKind.UNIKRAFT), Accel.KVM, NO_TSC))
                .isEmpty();
    }

    @Test
    void solo5AndMultibootTakeTheArgsAsTheirCommandLine() {
        BootSpec.Builder solo5 = BootSpec.builder()
                .kernel("/k")
                .guest(GuestKind.SOLO5)
                .cmdline("--solo5:quiet")
                .args(List.of("--ipv4=10.0.0.2/24", "hello"))
                .putEnv("IGNORED", "1");
        BootSpec.Builder multiboot =
                BootSpec.builder().kernel("/k").guest(GuestKind.MULTIBOOT).args(List.of("a b"));

        assertThat(compose(solo5, Accel.TCG, NO_TSC)).isEqualTo("--solo5:quiet --ipv4=10.0.0.2/24 hello");
        assertThat(compose(multiboot, Accel.TCG, NO_TSC)).isEqualTo("\"a b\"");
    }

    @Test
    void aLinuxCommandLineLongerThanTheKernelKeepsIsRefused() {
        BootSpec.Builder spec = linux().cmdline("console=ttyS0 " + "x".repeat(2100));

        assertThatThrownBy(() -> compose(spec, Accel.KVM, NO_TSC))
                .isInstanceOf(InvalidBootSpecException.class)
                .hasMessageContaining("2047");
    }
}
