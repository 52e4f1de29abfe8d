package io.unibloc.sandbox.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unibloc.sandbox.accel.Accel;
import io.unibloc.sandbox.spec.BootSpec;
import io.unibloc.sandbox.spec.GuestKind;
import io.unibloc.sandbox.spec.ImageMetadata;
import io.unibloc.sandbox.spec.InvalidBootSpecException;
import io.unibloc.sandbox.tool.ProcessRunner;
import io.unibloc.types.Machine;
import io.unibloc.types.Vmm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The decision table of docs/runtimeclass.md: guest kind x image labels x spec field -> machine, accelerator,
 * disk device and kernel command line, as the VMM command line finally says them. The named rows are the
 * documented table; {@link #everyCombination} then checks the machine rule for every combination of guest
 * kind, image label and spec field (Solo5 on microvm is refused: its virtio target needs PCI).
 */
class BootDecisionTableTest {

    private static final LaunchPlanner PLANNER =
            new LaunchPlanner(new ProcessRunner(), () -> Accel.TCG, OptionalLong.of(2_000_000));

    /** One row: what the image says, what the spec says, and what the command line must then hold. */
    record Row(
            Map<String, String> labels,
            UnaryOperator<BootSpec.Builder> spec,
            Accel accel,
            String machineArg,
            String diskDevice,
            String append) {}

    private static Arguments row(
            String name,
            Map<String, String> labels,
            UnaryOperator<BootSpec.Builder> spec,
            Accel accel,
            String machineArg,
            String diskDevice,
            String append) {
        return Arguments.of(Named.of(name, new Row(labels, spec, accel, machineArg, diskDevice, append)));
    }

    static Stream<Arguments> table() {
        return Stream.of(
                row(
                        "linux (no labels) -> microvm, MMIO disk, pci=off, TSC hint under TCG",
                        Map.of(),
                        b -> b,
                        Accel.TCG,
                        "microvm,pit=on,pic=on,rtc=on",
                        "virtio-blk-device",
                        "console=ttyS0 root=/dev/vda rw panic=1 edd=off pci=off tsc_early_khz=2000000"),
                row(
                        "linux under KVM -> microvm, -cpu host, no TSC hint",
                        Map.of(),
                        b -> b,
                        Accel.KVM,
                        "microvm,pit=on,pic=on,rtc=on",
                        "virtio-blk-device",
                        "console=ttyS0 root=/dev/vda rw panic=1 edd=off pci=off"),
                row(
                        "linux with io.unibloc.machine=q35 -> q35, PCI disk, no pci=off",
                        Map.of(ImageMetadata.MACHINE, "q35"),
                        b -> b,
                        Accel.TCG,
                        "q35",
                        "virtio-blk-pci",
                        "console=ttyS0 root=/dev/vda rw panic=1 edd=off"),
                row(
                        "unikraft via io.unibloc.guest -> pc, PCI disk, args after --",
                        Map.of(ImageMetadata.GUEST, "unikraft"),
                        b -> b.args(List.of("hello", "world")),
                        Accel.TCG,
                        "pc",
                        "virtio-blk-pci",
                        "-- hello world"),
                row(
                        "unikraft via urunc's unikernelType -> pc, env as env.vars",
                        Map.of(ImageMetadata.URUNC_TYPE, "unikraft", ImageMetadata.URUNC_HYPERVISOR, "qemu"),
                        b -> b.putEnv("A", "1"),
                        Accel.KVM,
                        "pc",
                        "virtio-blk-pci",
                        "env.vars=[ \"A=1\" ]"),
                row(
                        "unikraft with io.unibloc.machine=q35 -> q35",
                        Map.of(ImageMetadata.GUEST, "unikraft", ImageMetadata.MACHINE, "q35"),
                        b -> b,
                        Accel.TCG,
                        "q35",
                        "virtio-blk-pci",
                        null),
                row(
                        "unikraft, label q35, spec machine microvm -> the spec wins",
                        Map.of(ImageMetadata.GUEST, "unikraft", ImageMetadata.MACHINE, "q35"),
                        b -> b.machine(Machine.MICROVM),
                        Accel.TCG,
                        "microvm,pit=on,pic=on,rtc=on",
                        "virtio-blk-device",
                        null),
                row(
                        "unikraft with the image's kernel command line",
                        Map.of(
                                ImageMetadata.GUEST,
                                "unikraft",
                                ImageMetadata.CMDLINE,
                                "vfs.fstab=[ \"block0:/:vfat\" ]"),
                        b -> b.args(List.of("x")),
                        Accel.TCG,
                        "pc",
                        "virtio-blk-pci",
                        "vfs.fstab=[ \"block0:/:vfat\" ] -- x"),
                row(
                        "multiboot (urunc mewz) -> pc, args as the command line",
                        Map.of(ImageMetadata.URUNC_TYPE, "mewz"),
                        b -> b.args(List.of("a")),
                        Accel.TCG,
                        "pc",
                        "virtio-blk-pci",
                        "a"),
                row(
                        "solo5 (urunc mirage) -> pc",
                        Map.of(ImageMetadata.URUNC_TYPE, "mirage"),
                        b -> b,
                        Accel.TCG,
                        "pc",
                        "virtio-blk-pci",
                        null),
                row(
                        "multiboot, spec machine q35 over label pc",
                        Map.of(ImageMetadata.GUEST, "multiboot", ImageMetadata.MACHINE, "pc"),
                        b -> b.machine(Machine.Q35),
                        Accel.KVM,
                        "q35",
                        "virtio-blk-pci",
                        null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void theCommandLineFollowsTheTable(Row row) {
        BootSpec spec = ImageMetadata.applyTo(
                        row.labels(),
                        row.spec()
                                .apply(BootSpec.builder().kernelHostPath("/k").rootDevice("/dev/unibloc-root"))
                                .build())
                .resolve();
        List<String> argv = command(spec, row.accel());

        assertThat(argv).containsSubsequence("-M", row.machineArg());
        assertThat(argv).containsSubsequence("-accel", row.accel() == Accel.KVM ? "kvm" : "tcg");
        if (row.accel() == Accel.KVM) {
            assertThat(argv).containsSubsequence("-cpu", "host");
        } else {
            assertThat(argv).doesNotContain("-cpu");
        }
        assertThat(argv).contains(row.diskDevice() + ",drive=disk0");
        if (row.append() == null) {
            assertThat(argv).doesNotContain("-append");
        } else {
            assertThat(argv).containsSubsequence("-append", row.append());
        }
        assertThat(argv).as("serial console on stdout for every machine").containsSubsequence("-serial", "stdio");
    }

    static Stream<Arguments> everyCombination() {
        List<Arguments> all = new ArrayList<>();
        List<Machine> choices = new ArrayList<>(List.of(Machine.values()));
        choices.add(null);
        for (GuestKind guest : GuestKind.values()) {
            for (Machine label : choices) {
                for (Machine field : choices) {
                    all.add(Arguments.of(guest, label, field));
                }
            }
        }
        return all.stream();
    }

    /** The rule in words: the spec's field, else the image's label, else microvm for Linux and pc for the rest. */
    @ParameterizedTest(name = "guest={0} label={1} spec={2}")
    @MethodSource("everyCombination")
    void theMachineIsTheSpecsElseTheLabelsElseTheGuestKindsDefault(GuestKind guest, Machine label, Machine field) {
        Map<String, String> labels = new HashMap<>();
        labels.put(ImageMetadata.GUEST, guest.wireName());
        if (label != null) {
            labels.put(ImageMetadata.MACHINE, label.id());
        }
        BootSpec unresolved = ImageMetadata.applyTo(
                labels, BootSpec.builder().kernelHostPath("/k").machine(field).build());

        Machine expected =
                field != null ? field : label != null ? label : guest == GuestKind.LINUX ? Machine.MICROVM : Machine.PC;
        if (guest == GuestKind.SOLO5 && expected == Machine.MICROVM) {
            assertThatThrownBy(unresolved::resolve)
                    .isInstanceOf(InvalidBootSpecException.class)
                    .hasMessageContaining("guest solo5 needs machine pc or q35");
            return;
        }
        BootSpec spec = unresolved.resolve();
        assertThat(spec.machine()).isEqualTo(expected);
        String machineArg =
                command(spec, Accel.TCG).get(command(spec, Accel.TCG).indexOf("-M") + 1);
        assertThat(machineArg).startsWith(expected.id());
        assertThat(command(spec, Accel.TCG))
                .contains((expected == Machine.MICROVM ? "virtio-blk-device" : "virtio-blk-pci") + ",drive=disk0");
    }

    @ParameterizedTest(name = "{0} on firecracker keeps its single machine model")
    @MethodSource("guests")
    void otherVmmsKeepTheirOnlyMachine(GuestKind guest) {
        BootSpec spec = ImageMetadata.applyTo(
                        Map.of(ImageMetadata.GUEST, guest.wireName(), ImageMetadata.VMM, "firecracker"),
                        BootSpec.builder().kernelHostPath("/k").build())
                .withDefaults();

        assertThat(spec.machine()).isEqualTo(Machine.MICROVM);
        assertThat(BootSpec.defaultMachine(guest, Vmm.CLOUD_HYPERVISOR)).isEqualTo(Machine.MICROVM);
    }

    static Stream<GuestKind> guests() {
        return Stream.of(GuestKind.values());
    }

    private static List<String> command(BootSpec spec, Accel accel) {
        LaunchPlan plan = PLANNER.preview(spec, Path.of("/tmp/unibloc-table"), accel);
        return new QemuCommand().build(plan, "qemu-system-x86_64").argv();
    }
}
