package io.unibloc.sandbox.launch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.unibloc.sandbox.accel.Accel;
import io.unibloc.sandbox.spec.GuestKind;
import io.unibloc.types.Machine;
import io.unibloc.types.Vmm;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Firecracker's config file: the bodies of its boot-source, drives and machine-config API calls. */
class FirecrackerCommandTest {

    private static final Path WORK = Path.of("/run/sbx");

    private static LaunchPlan plan(Path initrd, List<Disk> disks) {
        return new LaunchPlan(
                Vmm.FIRECRACKER,
                Machine.MICROVM,
                GuestKind.LINUX,
                Accel.KVM,
                Path.of("/run/sbx/kernel"),
                initrd,
                "console=ttyS0 root=/dev/vda ro reboot=k panic=1 pci=off",
                disks,
                2,
                512,
                WORK,
                WORK.resolve("control.sock"));
    }

    @Test
    void startsFirecrackerWithItsApiSocketAndTheConfigFile() {
        CommandLine command = new FirecrackerCommand().build(plan(null, List.of()), "/usr/bin/firecracker");

        assertThat(command.argv())
                .containsExactly(
                        "/usr/bin/firecracker",
                        "--api-sock",
                        "/run/sbx/control.sock",
                        "--config-file",
                        "/run/sbx/firecracker.json");
        assertThat(command.files()).containsOnlyKeys(Path.of("/run/sbx/firecracker.json"));
    }

    @Test
    void theConfigDescribesKernelDrivesAndMachine() throws IOException {
        List<Disk> disks = List.of(
                new Disk(Path.of("/dev/unibloc-root"), true, true), new Disk(Path.of("/dev/data"), false, true));
        CommandLine command = new FirecrackerCommand().build(plan(Path.of("/run/sbx/initrd"), disks), "firecracker");

        JsonNode config = new ObjectMapper().readTree(command.files().get(Path.of("/run/sbx/firecracker.json")));

        assertThat(config.fieldNames()).toIterable().containsExactly("boot-source", "drives", "machine-config");
        JsonNode boot = config.get("boot-source");
        assertThat(boot.get("kernel_image_path").asText()).isEqualTo("/run/sbx/kernel");
        assertThat(boot.get("initrd_path").asText()).isEqualTo("/run/sbx/initrd");
        assertThat(boot.get("boot_args").asText()).isEqualTo("console=ttyS0 root=/dev/vda ro reboot=k panic=1 pci=off");
        JsonNode drives = config.get("drives");
        assertThat(drives).hasSize(2);
        assertThat(drives.get(0).get("drive_id").asText()).isEqualTo("root");
        assertThat(drives.get(0).get("path_on_host").asText()).isEqualTo("/dev/unibloc-root");
        assertThat(drives.get(0).get("is_read_only").asBoolean()).isTrue();
        assertThat(drives.get(0).get("is_root_device").asBoolean()).isFalse();
        assertThat(drives.get(1).get("drive_id").asText()).isEqualTo("disk1");
        assertThat(drives.get(1).get("is_read_only").asBoolean()).isFalse();
        JsonNode machine = config.get("machine-config");
        assertThat(machine.get("vcpu_count").asInt()).isEqualTo(2);
        assertThat(machine.get("mem_size_mib").asInt()).isEqualTo(512);
        assertThat(machine.get("smt").asBoolean()).isFalse();
    }

    @Test
    void noInitrdMeansNoInitrdPath() throws IOException {
        CommandLine command = new FirecrackerCommand().build(plan(null, List.of()), "firecracker");

        JsonNode config =
                new ObjectMapper().readTree(command.files().values().iterator().next());

        assertThat(config.get("boot-source").has("initrd_path")).isFalse();
        assertThat(config.get("drives")).isEmpty();
    }
}
