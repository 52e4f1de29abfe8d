package io.unibloc.sandbox.launch;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.sandbox.accel.Accel;
import io.unibloc.sandbox.spec.GuestKind;
import io.unibloc.types.Machine;
import io.unibloc.types.Vmm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class QemuCommandTest {

    private static final Path WORK = Path.of("/tmp/unibloc-sandbox-1");

    static LaunchPlan plan(
            Machine machine, GuestKind guest, Accel accel, Path initrd, String cmdline, List<Disk> disks) {
        return new LaunchPlan(
                Vmm.QEMU,
                machine,
                guest,
                accel,
                WORK.resolve("kernel"),
                initrd,
                cmdline,
                disks,
                2,
                256,
                WORK,
                WORK.resolve("control.sock"));
    }

    private static final List<Disk> ROOT = List.of(new Disk(Path.of("/dev/unibloc-root"), false, true));

    /** The value following {@code option}, for options that occur once. */
    private static String value(List<String> argv, String option) {
        int index = argv.indexOf(option);
        assertThat(index).as(option + " is present").isNotNegative();
        assertThat(argv.lastIndexOf(option)).as(option + " occurs once").isEqualTo(index);
        return argv.get(index + 1);
    }

    private static List<String> values(List<String> argv, String option) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < argv.size() - 1; i++) {
            if (argv.get(i).equals(option)) {
                values.add(argv.get(i + 1));
            }
        }
        return values;
    }

    static Stream<Arguments> machinesAndGuests() {
        List<Arguments> cases = new ArrayList<>();
        for (Machine machine : Machine.values()) {
            for (GuestKind guest : GuestKind.values()) {
                if (guest == GuestKind.SOLO5 && machine == Machine.MICROVM) {
                    continue; // rejected by validation
                }
                cases.add(Arguments.of(machine, guest));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} with a {1} guest")
    @MethodSource("machinesAndGuests")
    void everyMachineAndGuestKindGetsTheirDevicesAndTheCommonParts(Machine machine, GuestKind guest) {
        Path initrd = guest == GuestKind.LINUX ? WORK.resolve("initrd") : null;
        List<String> argv = new QemuCommand()
                .build(plan(machine, guest, Accel.TCG, initrd, "console=ttyS0", ROOT), "qemu-system-x86_64")
                .argv();

        assertThat(argv.get(0)).isEqualTo("qemu-system-x86_64");
        assertThat(value(argv, "-M"))
                .isEqualTo(
                        switch (machine) {
                            case MICROVM -> "microvm,pit=on,pic=on,rtc=on";
                            case PC -> "pc";
                            case Q35 -> "q35";
                        });
        assertThat(value(argv, "-kernel")).isEqualTo("/tmp/unibloc-sandbox-1/kernel");
        assertThat(argv.contains("-initrd")).isEqualTo(guest == GuestKind.LINUX);
        assertThat(value(argv, "-append")).isEqualTo("console=ttyS0");
        assertThat(values(argv, "-device"))
                .containsExactly(
                        (machine == Machine.MICROVM ? "virtio-blk-device" : "virtio-blk-pci") + ",drive=disk0",
                        "isa-debug-exit,iobase=0xf4,iosize=0x04");
        assertThat(argv)
                .containsSubsequence("-nodefaults", "-no-user-config", "-nographic", "-serial", "stdio", "-no-reboot");
        assertThat(value(argv, "-smp")).isEqualTo("2");
        assertThat(value(argv, "-m")).isEqualTo("256M");
        assertThat(value(argv, "-qmp")).isEqualTo("unix:/tmp/unibloc-sandbox-1/control.sock,server=on,wait=off");
        if (machine == Machine.MICROVM) {
            assertThat(argv).doesNotContain("-fw_cfg");
        } else {
            assertThat(value(argv, "-fw_cfg")).isEqualTo("name=etc/sercon-port,string=0");
        }
    }

    @Test
    void kvmUsesTheHostCpuAndTcgTheDefaultModel() {
        List<String> kvm = new QemuCommand()
                .build(plan(Machine.PC, GuestKind.LINUX, Accel.KVM, null, "", ROOT), "q")
                .argv();
        List<String> tcg = new QemuCommand()
                .build(plan(Machine.PC, GuestKind.LINUX, Accel.TCG, null, "", ROOT), "q")
                .argv();

        assertThat(value(kvm, "-accel")).isEqualTo("kvm");
        assertThat(value(kvm, "-cpu")).isEqualTo("host");
        assertThat(value(tcg, "-accel")).isEqualTo("tcg");
        assertThat(tcg).doesNotContain("-cpu");
    }

    @Test
    void anEmptyCommandLineIsLeftOut() {
        List<String> argv = new QemuCommand()
                .build(plan(Machine.PC, GuestKind.MULTIBOOT, Accel.TCG, null, "", ROOT), "q")
                .argv();

        assertThat(argv).doesNotContain("-append");
    }

    @Test
    void aReadOnlyRootAndExtraDevicesAreAttachedInOrder() {
        List<Disk> disks = List.of(
                new Disk(Path.of("/dev/unibloc-root"), true, true),
                new Disk(Path.of("/dev/data"), false, true),
                new Disk(Path.of("/images/scratch.img"), false, false));

        List<String> argv = new QemuCommand()
                .build(plan(Machine.Q35, GuestKind.LINUX, Accel.TCG, null, "", disks), "q")
                .argv();

        assertThat(values(argv, "-drive"))
                .containsExactly(
                        "file=/dev/unibloc-root,format=raw,if=none,id=disk0,readonly=on,cache=none,aio=threads",
                        "file=/dev/data,format=raw,if=none,id=disk1,cache=none,aio=threads",
                        "file=/images/scratch.img,format=raw,if=none,id=disk2");
        assertThat(values(argv, "-device"))
                .startsWith("virtio-blk-pci,drive=disk0", "virtio-blk-pci,drive=disk1", "virtio-blk-pci,drive=disk2");
    }

    @Test
    void anEphemeralRootBootsFromItsQcow2OverlayWithoutTheHostPageCache() {
        List<String> argv = new QemuCommand()
                .build(
                        plan(
                                Machine.MICROVM,
                                GuestKind.LINUX,
                                Accel.TCG,
                                null,
                                "",
                                List.of(Disk.overlay(Path.of("/scratch/root.qcow2")))),
                        "q")
                .argv();

        assertThat(values(argv, "-drive"))
                .containsExactly("file=/scratch/root.qcow2,format=qcow2,if=none,id=disk0,cache=none,aio=threads");
    }

    @Test
    void commasInPathsAreEscapedTheQemuWay() {
        List<Disk> disks = List.of(new Disk(Path.of("/images/a,b.img"), false, false));

        List<String> argv = new QemuCommand()
                .build(plan(Machine.PC, GuestKind.LINUX, Accel.TCG, null, "", disks), "q")
                .argv();

        assertThat(value(argv, "-drive")).startsWith("file=/images/a,,b.img,format=raw");
    }

    @Test
    void rendersAsOneShellLine() {
        CommandLine command = new QemuCommand()
                .build(plan(Machine.PC, GuestKind.LINUX, Accel.TCG, null, "console=ttyS0 quiet", ROOT), "qemu");

        assertThat(command.render()).startsWith("qemu -name unibloc -M pc ").contains("-append 'console=ttyS0 quiet'");
        assertThat(command.files()).isEmpty();
    }
}
