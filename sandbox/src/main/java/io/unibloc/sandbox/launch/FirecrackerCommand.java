package io.unibloc.sandbox.launch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The Firecracker invocation: {@code firecracker --api-sock SOCK --config-file vm.json}, with the VM
 * described in Firecracker's config file format (the bodies of its {@code /boot-source}, {@code /drives}
 * and {@code /machine-config} API calls, under the keys {@code boot-source}, {@code drives} and
 * {@code machine-config}). The API socket stays open for graceful shutdown ({@code SendCtrlAltDel}).
 *
 * <p>Firecracker boots an uncompressed {@code vmlinux} (ELF) on x86, not a bzImage, has no
 * {@code isa-debug-exit} and always uses KVM. Drives are not marked {@code is_root_device}: the command
 * line already says {@code root=/dev/vda}, and Firecracker attaches drives in the order listed.
 */
public final class FirecrackerCommand implements VmmCommandBuilder {

    /** Name of the config file written into the plan's work directory. */
    public static final String CONFIG_FILE = "firecracker.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    public CommandLine build(LaunchPlan plan, String binary) {
        Path config = plan.workDir().resolve(CONFIG_FILE);
        List<String> argv =
                List.of(binary, "--api-sock", plan.controlSocket().toString(), "--config-file", config.toString());
        return new CommandLine(argv, Map.of(config, config(plan)));
    }

    /** The config file's JSON. */
    static String config(LaunchPlan plan) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode boot = root.putObject("boot-source");
        boot.put("kernel_image_path", plan.kernel().toString());
        boot.put("boot_args", plan.kernelCmdline());
        if (plan.initrd() != null) {
            boot.put("initrd_path", plan.initrd().toString());
        }
        ArrayNode drives = root.putArray("drives");
        for (int i = 0; i < plan.disks().size(); i++) {
            Disk disk = plan.disks().get(i);
            ObjectNode drive = drives.addObject();
            drive.put("drive_id", i == 0 ? "root" : "disk" + i);
            drive.put("path_on_host", disk.path().toString());
            drive.put("is_root_device", false);
            drive.put("is_read_only", disk.readOnly());
        }
        ObjectNode machine = root.putObject("machine-config");
        machine.put("vcpu_count", plan.vcpus());
        machine.put("mem_size_mib", plan.memoryMiB());
        machine.put("smt", false);
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }
}
