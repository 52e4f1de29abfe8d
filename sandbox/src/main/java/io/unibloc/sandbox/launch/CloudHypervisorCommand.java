package io.unibloc.sandbox.launch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Cloud Hypervisor invocation, from its documented CLI:
 * {@code cloud-hypervisor --api-socket path=SOCK --kernel K [--initramfs I] --cmdline C --cpus boot=N
 * --memory size=NM --disk path=A[,readonly=on] path=B ... --serial tty --console off}. The serial port is
 * the console on stdout ({@code --console off} turns off the virtio console); the API socket serves
 * graceful shutdown ({@code PUT /api/v1/vm.power-button}).
 *
 * <p>Cloud Hypervisor boots a PVH-capable {@code vmlinux} directly, has no {@code isa-debug-exit} and
 * always uses KVM. Its option syntax has no escape for commas, so paths containing one are rejected.
 */
public final class CloudHypervisorCommand implements VmmCommandBuilder {

    @Override
    public CommandLine build(LaunchPlan plan, String binary) {
        List<String> argv = new ArrayList<>();
        argv.add(binary);
        argv.addAll(
                List.of("--api-socket", "path=" + noComma(plan.controlSocket().toString())));
        argv.addAll(List.of("--kernel", plan.kernel().toString()));
        if (plan.initrd() != null) {
            argv.addAll(List.of("--initramfs", plan.initrd().toString()));
        }
        if (!plan.kernelCmdline().isEmpty()) {
            argv.addAll(List.of("--cmdline", plan.kernelCmdline()));
        }
        argv.addAll(List.of("--cpus", "boot=" + plan.vcpus()));
        argv.addAll(List.of("--memory", "size=" + plan.memoryMiB() + "M"));
        if (!plan.disks().isEmpty()) {
            argv.add("--disk");
            for (Disk disk : plan.disks()) {
                argv.add("path=" + noComma(disk.path().toString()) + (disk.readOnly() ? ",readonly=on" : ""));
            }
        }
        argv.addAll(List.of("--serial", "tty", "--console", "off"));
        return new CommandLine(argv, Map.of());
    }

    private static String noComma(String path) {
        if (path.indexOf(',') >= 0) {
            throw new IllegalArgumentException("cloud-hypervisor cannot take a path containing a comma: " + path);
        }
        return path;
    }
}
