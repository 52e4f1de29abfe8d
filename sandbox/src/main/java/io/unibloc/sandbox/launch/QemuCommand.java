package io.unibloc.sandbox.launch;

import io.unibloc.sandbox.accel.Accel;
import io.unibloc.sandbox.accel.MultibootPayload;
import io.unibloc.sandbox.spec.GuestKind;
import io.unibloc.types.Machine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The QEMU invocation. Fixed parts and why:
 *
 * <ul>
 *   <li>{@code -nodefaults -no-user-config -nographic -serial stdio}: no default devices or config files; the
 *       first serial port is the console on stdout (without {@code -nodefaults}, {@code -nographic} would put
 *       the monitor on stdio too and QEMU refuses).
 *   <li>{@code -no-reboot}: a guest reboot ends QEMU, like a container whose process exits.
 *   <li>{@code isa-debug-exit} at port 0xf4: a guest writes its exit code there and QEMU exits with
 *       {@code (code << 1) | 1}; {@link io.unibloc.sandbox.runtime.ExitMapper} maps it back.
 *   <li>{@code -qmp unix:...,server=on,wait=off}: the control socket for graceful shutdown
 *       ({@code system_powerdown}) and for learning why the guest stopped.
 *   <li>microvm gets {@code pit=on,pic=on,rtc=on}: without the legacy timers Linux under TCG hangs while
 *       calibrating its clock. Its virtio devices sit on MMIO ({@code virtio-blk-device}); pc and q35 use PCI
 *       ({@code virtio-blk-pci}).
 *   <li>KVM runs with {@code -cpu host} (the same setting the KVM probe proved); TCG with QEMU's default model.
 *   <li>pc and q35 get {@code -fw_cfg name=etc/sercon-port,string=0}, which stops SeaBIOS from writing its
 *       banner to the serial console, so the console holds only the guest's output (microvm's firmware
 *       prints nothing).
 *   <li>A NIC ({@link GuestNic}) is {@code -netdev tap,ifname=..,script=no,downscript=no[,vhost=on]} or QEMU 7.2's
 *       {@code -netdev stream} to passt's socket, and {@code virtio-net-device} on microvm (MMIO) or
 *       {@code virtio-net-pci} on pc/q35, always on the root bus (a device behind a PCIe root port would be
 *       modern-only). PCI NICs get {@code romfile=} (no iPXE option ROM: the kernel is loaded directly, and the
 *       sandbox image need not carry the ROMs). Unikraft guests get {@code disable-legacy=off,disable-modern=on}:
 *       Unikraft 0.16 drives only legacy virtio-pci, and saying so keeps the device legacy whatever QEMU's
 *       {@code auto} defaults decide for the bus. {@code host_mtu} advertises the Pod's MTU when it is not 1500.
 * </ul>
 */
public final class QemuCommand implements VmmCommandBuilder {

    @Override
    public CommandLine build(LaunchPlan plan, String binary) {
        List<String> argv = new ArrayList<>();
        argv.add(binary);
        argv.addAll(List.of("-name", "unibloc"));
        argv.addAll(List.of("-M", machine(plan.machine())));
        argv.addAll(List.of("-accel", plan.accel() == Accel.KVM ? "kvm" : "tcg"));
        if (plan.accel() == Accel.KVM) {
            argv.addAll(List.of("-cpu", "host"));
        }
        argv.addAll(List.of("-smp", Integer.toString(plan.vcpus())));
        argv.addAll(List.of("-m", plan.memoryMiB() + "M"));
        argv.addAll(List.of("-nodefaults", "-no-user-config", "-nographic", "-serial", "stdio", "-no-reboot"));
        argv.addAll(List.of("-kernel", plan.kernel().toString()));
        if (plan.initrd() != null) {
            argv.addAll(List.of("-initrd", plan.initrd().toString()));
        }
        if (!plan.kernelCmdline().isEmpty()) {
            argv.addAll(List.of("-append", plan.kernelCmdline()));
        }
        if (plan.machine() != Machine.MICROVM) {
            // SeaBIOS would print its banner on the serial console, i.e. in the guest's output; this turns it off.
            argv.addAll(List.of("-fw_cfg", "name=etc/sercon-port,string=0"));
        }
        String blockDevice = plan.machine() == Machine.MICROVM ? "virtio-blk-device" : "virtio-blk-pci";
        for (int i = 0; i < plan.disks().size(); i++) {
            Disk disk = plan.disks().get(i);
            StringBuilder drive = new StringBuilder("file=")
                    .append(escape(disk.path().toString()))
                    .append(",format=")
                    .append(disk.format())
                    .append(",if=none,id=disk")
                    .append(i);
            if (disk.readOnly()) {
                drive.append(",readonly=on");
            }
            if (disk.blockDevice()) {
                drive.append(",cache=none,aio=threads");
            }
            argv.addAll(List.of("-drive", drive.toString()));
            argv.addAll(List.of("-device", blockDevice + ",drive=disk" + i));
        }
        if (plan.nic() != null) {
            argv.addAll(nic(plan));
        }
        argv.addAll(List.of(
                "-device",
                "isa-debug-exit,iobase=0x" + Integer.toHexString(MultibootPayload.DEBUG_EXIT_PORT) + ",iosize=0x04"));
        argv.addAll(List.of("-qmp", "unix:" + escape(plan.controlSocket().toString()) + ",server=on,wait=off"));
        return new CommandLine(argv, Map.of());
    }

    static List<String> nic(LaunchPlan plan) {
        GuestNic nic = plan.nic();
        String netdev;
        if (nic instanceof GuestNic.Tap tap) {
            netdev = "tap,id=net0,ifname=" + escape(tap.ifname()) + ",script=no,downscript=no"
                    + (tap.vhost() ? ",vhost=on" : "");
        } else {
            GuestNic.Stream stream = (GuestNic.Stream) nic;
            netdev = "stream,id=net0,server=off,addr.type=unix,addr.path="
                    + escape(stream.socket().toString());
        }
        StringBuilder device = new StringBuilder(
                        plan.machine() == Machine.MICROVM ? "virtio-net-device" : "virtio-net-pci")
                .append(",netdev=net0");
        if (nic.mac() != null) {
            device.append(",mac=").append(nic.mac());
        }
        if (nic.mtu() > 0 && nic.mtu() != 1500) {
            device.append(",host_mtu=").append(nic.mtu());
        }
        if (plan.machine() != Machine.MICROVM) {
            device.append(",romfile=");
            if (plan.guest() == GuestKind.UNIKRAFT) {
                device.append(",disable-legacy=off,disable-modern=on");
            }
        }
        return List.of("-netdev", netdev, "-device", device.toString());
    }

    private static String machine(Machine machine) {
        return switch (machine) {
            case MICROVM -> "microvm,pit=on,pic=on,rtc=on";
            case PC -> "pc";
            case Q35 -> "q35";
        };
    }

    /** QEMU option values separate keys with commas; a literal comma is written twice. */
    static String escape(String value) {
        return value.replace(",", ",,");
    }
}
