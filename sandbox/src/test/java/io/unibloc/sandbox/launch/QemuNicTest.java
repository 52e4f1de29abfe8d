package io.unibloc.sandbox.launch;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.sandbox.accel.Accel;
import io.unibloc.sandbox.spec.GuestKind;
import io.unibloc.types.Machine;
import io.unibloc.types.Vmm;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The exact {@code -netdev}/{@code -device} pair per NIC kind, machine and guest kind. */
class QemuNicTest {

    private static final Path WORK = Path.of("/tmp/unibloc-sandbox-1");
    private static final GuestNic TAP = new GuestNic.Tap("tap0", false, "0a:58:0a:f4:01:07", 1450);
    private static final GuestNic TAP_VHOST = new GuestNic.Tap("tap0", true, "0a:58:0a:f4:01:07", 1500);
    private static final GuestNic PASST = new GuestNic.Stream(WORK.resolve("passt.sock"), null, 1500);

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(
                        "tap on microvm: MMIO device, eth0's MAC and MTU",
                        Machine.MICROVM,
                        GuestKind.LINUX,
                        TAP,
                        "tap,id=net0,ifname=tap0,script=no,downscript=no",
                        "virtio-net-device,netdev=net0,mac=0a:58:0a:f4:01:07,host_mtu=1450"),
                Arguments.of(
                        "tap with vhost-net on pc",
                        Machine.PC,
                        GuestKind.LINUX,
                        TAP_VHOST,
                        "tap,id=net0,ifname=tap0,script=no,downscript=no,vhost=on",
                        "virtio-net-pci,netdev=net0,mac=0a:58:0a:f4:01:07,romfile="),
                Arguments.of(
                        "unikraft on q35: legacy virtio-pci on the root bus",
                        Machine.Q35,
                        GuestKind.UNIKRAFT,
                        TAP,
                        "tap,id=net0,ifname=tap0,script=no,downscript=no",
                        "virtio-net-pci,netdev=net0,mac=0a:58:0a:f4:01:07,host_mtu=1450,romfile=,"
                                + "disable-legacy=off,disable-modern=on"),
                Arguments.of(
                        "passt on pc: stream socket, QEMU's own MAC",
                        Machine.PC,
                        GuestKind.LINUX,
                        PASST,
                        "stream,id=net0,server=off,addr.type=unix,addr.path=/tmp/unibloc-sandbox-1/passt.sock",
                        "virtio-net-pci,netdev=net0,romfile="));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theNicIsPluggedIntoItsHostEnd(
            String name, Machine machine, GuestKind guest, GuestNic nic, String netdev, String device) {
        LaunchPlan plan = new LaunchPlan(
                Vmm.QEMU,
                machine,
                guest,
                Accel.TCG,
                WORK.resolve("kernel"),
                null,
                "",
                List.of(new Disk(Path.of("/dev/unibloc-root"), false, true)),
                1,
                256,
                WORK,
                WORK.resolve("control.sock"),
                nic);

        List<String> argv = new QemuCommand().build(plan, "qemu-system-x86_64").argv();

        assertThat(argv).containsSubsequence("-netdev", netdev, "-device", device);
        assertThat(argv.stream().filter(a -> a.startsWith("virtio-net"))).hasSize(1);
    }
}
