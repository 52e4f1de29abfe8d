package io.unibloc.sandbox.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unibloc.sandbox.accel.Accel;
import io.unibloc.sandbox.spec.GuestKind;
import io.unibloc.types.Machine;
import io.unibloc.types.Vmm;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CloudHypervisorCommandTest {

    private static final Path WORK = Path.of("/run/sbx");

    private static LaunchPlan plan(Path initrd, List<Disk> disks, Path socket) {
        return new LaunchPlan(
                Vmm.CLOUD_HYPERVISOR,
                Machine.MICROVM,
                GuestKind.LINUX,
                Accel.KVM,
                Path.of("/run/sbx/kernel"),
                initrd,
                "console=ttyS0 root=/dev/vda rw",
                disks,
                4,
                1024,
                WORK,
                socket);
    }

    @Test
    void usesTheDocumentedOptions() {
        List<Disk> disks = List.of(
                new Disk(Path.of("/dev/unibloc-root"), true, true), new Disk(Path.of("/dev/data"), false, true));

        CommandLine command = new CloudHypervisorCommand()
                .build(plan(Path.of("/run/sbx/initrd"), disks, WORK.resolve("control.sock")), "cloud-hypervisor");

        assertThat(command.argv())
                .containsExactly(
                        "cloud-hypervisor",
                        "--api-socket",
                        "path=/run/sbx/control.sock",
                        "--kernel",
                        "/run/sbx/kernel",
                        "--initramfs",
                        "/run/sbx/initrd",
                        "--cmdline",
                        "console=ttyS0 root=/dev/vda rw",
                        "--cpus",
                        "boot=4",
                        "--memory",
                        "size=1024M",
                        "--disk",
                        "path=/dev/unibloc-root,readonly=on",
                        "path=/dev/data",
                        "--serial",
                        "tty",
                        "--console",
                        "off");
        assertThat(command.files()).isEmpty();
    }

    @Test
    void noInitrdAndNoDisksLeaveTheirOptionsOut() {
        List<String> argv = new CloudHypervisorCommand()
                .build(plan(null, List.of(), WORK.resolve("c.sock")), "ch")
                .argv();

        assertThat(argv).doesNotContain("--initramfs", "--disk");
    }

    @Test
    void pathsWithCommasCannotBeExpressed() {
        List<Disk> disks = List.of(new Disk(Path.of("/images/a,b.img"), false, false));

        assertThatThrownBy(() -> new CloudHypervisorCommand().build(plan(null, disks, WORK.resolve("c.sock")), "ch"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/images/a,b.img");
    }
}
