package io.unibloc.sandbox.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unibloc.types.Machine;
import io.unibloc.types.NetworkMode;
import io.unibloc.types.Vmm;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BootSpecValidationTest {

    private static BootSpec.Builder valid() {
        return BootSpec.builder().kernel("/boot/vmlinuz");
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                invalid("no vCPU", b -> b.vcpus(0), "vcpus must be at least 1, got 0"),
                invalid("too many vCPUs", b -> b.vcpus(1000), "vcpus must be at most 255"),
                invalid(
                        "Linux below its memory floor",
                        b -> b.memoryMiB(63),
                        "memoryMiB must be at least 64 for a linux guest, got 63"),
                invalid(
                        "unikraft below its memory floor",
                        b -> b.guest(GuestKind.UNIKRAFT).memoryMiB(8),
                        "at least 16 for a unikraft guest"),
                invalid("no kernel at all", b -> b.kernel(null), "no kernel", "kernelHostPath", "io.unibloc.kernel"),
                invalid("kernel twice", b -> b.kernelHostPath("/k"), "either kernel or kernelHostPath"),
                invalid("initrd twice", b -> b.initrd("/i").initrdHostPath("/j"), "either initrd or initrdHostPath"),
                invalid("relative kernel", b -> b.kernel("boot/vmlinuz"), "kernel must be an absolute path"),
                invalid("relative root device", b -> b.rootDevice("unibloc-root"), "rootDevice must be an absolute"),
                invalid(
                        "pc under firecracker",
                        b -> b.vmm(Vmm.FIRECRACKER).machine(Machine.PC),
                        "machine pc is a QEMU machine type",
                        "firecracker"),
                invalid(
                        "solo5 under firecracker",
                        b -> b.vmm(Vmm.FIRECRACKER).guest(GuestKind.SOLO5),
                        "guest solo5 cannot run on firecracker"),
                invalid(
                        "unikraft under cloud-hypervisor",
                        b -> b.vmm(Vmm.CLOUD_HYPERVISOR).guest(GuestKind.UNIKRAFT),
                        "guest unikraft cannot run on cloud-hypervisor"),
                invalid(
                        "solo5 on microvm",
                        b -> b.guest(GuestKind.SOLO5).machine(Machine.MICROVM),
                        "solo5 needs machine pc or q35"),
                invalid(
                        "files into a read-only root",
                        b -> b.readOnly(true).addFile(new FileProjection("/run/f/a", "/etc/a", null)),
                        "read-only",
                        "/etc/a"),
                invalid(
                        "projection to a directory",
                        b -> b.addFile(new FileProjection("/run/f/a", "/etc/", null)),
                        "must name a file"),
                invalid(
                        "projection escaping upwards",
                        b -> b.addFile(new FileProjection("/run/f/a", "/etc/../../x", null)),
                        "must not contain .."),
                invalid(
                        "projection without a source",
                        b -> b.addFile(new FileProjection(null, "/etc/a", null)),
                        "files[0] needs both source and target"),
                invalid(
                        "mode out of range",
                        b -> b.addFile(new FileProjection("/run/f/a", "/etc/a", 4096)),
                        "files[0].mode 4096"),
                invalid(
                        "same target twice",
                        b -> b.addFile(new FileProjection("/a", "/etc/a", null))
                                .addFile(new FileProjection("/b", "/etc/a", null)),
                        "files[1].target /etc/a is projected twice"),
                invalid("extra device twice", b -> b.extraDevices(List.of("/dev/a", "/dev/a")), "attached twice"),
                invalid(
                        "root again as extra device",
                        b -> b.extraDevices(List.of("/dev/unibloc-root")),
                        "extraDevices[0] /dev/unibloc-root is attached twice"),
                invalid("env name with a dot", b -> b.putEnv("app.port", "1"), "env name \"app.port\""),
                invalid(
                        "env value with a quote",
                        b -> b.putEnv("A", "say \"hi\""),
                        "env A must not contain double quotes"),
                invalid("argument with a newline", b -> b.args(List.of("a\nb")), "args[0]"),
                invalid(
                        "too many env entries for Linux init",
                        b -> {
                            for (int i = 0; i < 31; i++) {
                                b.putEnv("E" + i, "x");
                            }
                            return b;
                        },
                        "Linux passes at most 30"),
                invalid("newline in cmdline", b -> b.cmdline("quiet\nsplash"), "cmdline must not contain newlines"),
                invalid(
                        "tap for a guest that asks by DHCP",
                        b -> b.network(new NetworkSpec(NetworkMode.TAP, List.of(), GuestNetConfig.DHCP)),
                        "network mode tap has no DHCP server",
                        "use network mode passt"),
                invalid(
                        "a network under firecracker",
                        b -> b.vmm(Vmm.FIRECRACKER).network(new NetworkSpec(NetworkMode.PASST, List.of())),
                        "network mode passt needs vmm qemu"));
    }

    private static Arguments invalid(String name, UnaryOperator<BootSpec.Builder> change, String... expected) {
        return Arguments.of(Named.of(name, change), List.of(expected));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void invalidSpecsAreRejectedNamingTheProblem(UnaryOperator<BootSpec.Builder> change, List<String> expected) {
        BootSpec spec = change.apply(valid()).build();

        assertThatThrownBy(spec::resolve)
                .isInstanceOf(InvalidBootSpecException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains(expected));
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        BootSpec spec = BootSpec.builder().vcpus(0).memoryMiB(1).build();

        assertThatThrownBy(spec::resolve)
                .isInstanceOfSatisfying(
                        InvalidBootSpecException.class,
                        e -> assertThat(e.problems())
                                .hasSize(3)
                                .anySatisfy(p -> assertThat(p).startsWith("vcpus"))
                                .anySatisfy(p -> assertThat(p).startsWith("memoryMiB"))
                                .anySatisfy(p -> assertThat(p).startsWith("no kernel")));
    }

    @Test
    void aValidSpecResolvesToItselfWithDefaults() {
        BootSpec resolved = valid().vcpus(2).build().resolve();

        assertThat(resolved.vcpus()).isEqualTo(2);
        assertThat(resolved.resolve()).isEqualTo(resolved);
        assertThat(resolved.withDefaults()).isEqualTo(resolved);
    }

    @Test
    void nonLinuxGuestsDefaultToAnEmptyCommandLine() {
        assertThat(valid().guest(GuestKind.UNIKRAFT).build().resolve().cmdline())
                .isEmpty();
        assertThat(valid().build().resolve().cmdline()).isEqualTo("console=ttyS0");
    }

    @Test
    void bootTimeoutMustBeZeroToADay() {
        assertThat(valid().bootTimeoutSeconds(0).build().resolve().bootTimeoutSeconds())
                .isZero();
        assertThat(valid().bootTimeoutSeconds(86_400).build().resolve().bootTimeoutSeconds())
                .isEqualTo(86_400);
        assertThatThrownBy(() -> valid().bootTimeoutSeconds(-1).build().resolve())
                .hasMessageContaining("bootTimeoutSeconds must be 0 (no watchdog) to 86400, got -1");
        assertThatThrownBy(() -> valid().bootTimeoutSeconds(86_401).build().resolve())
                .hasMessageContaining("bootTimeoutSeconds");
    }

    @Test
    void theSmallestAcceptedSizesPass() {
        assertThat(valid().memoryMiB(64).vcpus(1).build().resolve().memoryMiB()).isEqualTo(64);
        assertThat(valid().guest(GuestKind.MULTIBOOT)
                        .memoryMiB(16)
                        .build()
                        .resolve()
                        .memoryMiB())
                .isEqualTo(16);
    }
}
