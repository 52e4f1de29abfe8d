package io.unibloc.operator.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.api.v1alpha1.UnikernelPodSpec;
import io.unibloc.api.v1alpha1.pod.FileProjection;
import io.unibloc.api.v1alpha1.pod.Guest;
import io.unibloc.api.v1alpha1.pod.KeyRef;
import io.unibloc.api.v1alpha1.pod.Rootfs;
import io.unibloc.sandbox.spec.BootSpec;
import io.unibloc.sandbox.spec.BootSpecReader;
import io.unibloc.types.Machine;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The boot spec JSON the operator writes into {@code UNIBLOC_BOOT_SPEC} is read by the sandbox's own reader,
 * which rejects unknown fields and wrong types, and comes back as the very spec the operator built: both sides
 * share the sandbox's type, and this proves the JSON between them loses nothing.
 */
class BootSpecContractTest {
    private final BootSpecReader reader = new BootSpecReader();

    @Test
    void everyFieldTheOperatorWritesIsOneTheSandboxReads() {
        UnikernelPodSpec spec = Fixtures.spec("app:1");
        spec.setKernel("/boot/vmlinuz");
        spec.setInitrd("/boot/initrd.img");
        spec.setCmdline("console=ttyS0 quiet");
        spec.setGuest(Guest.UNIKRAFT);
        spec.setMachine(Machine.PC);
        spec.setArgs(List.of("--port", "8080"));
        spec.setEnv(Map.of("A", "1"));
        spec.setVcpus(2);
        spec.setMemory("512Mi");
        spec.setRootfs(new Rootfs("2Gi", null, true));
        spec.setBootTimeoutSeconds(45);
        spec.setFiles(List.of(new FileProjection("/etc/app.conf", new KeyRef("app-config", "app.conf"), null, 0600)));

        BootSpec written = BootSpecFactory.build(spec, Map.of(), Fixtures.SETTINGS);
        BootSpec read = reader.read(PodFactory.json(written));

        assertThat(read)
                .as("the JSON round-trips to the spec the operator built")
                .isEqualTo(written);

        assertThat(read.bootTimeoutSeconds()).isEqualTo(45);
        assertThat(read.memoryMiB()).isEqualTo(512);
        assertThat(read.vcpus()).isEqualTo(2);
        assertThat(read.kernel()).isEqualTo("/boot/vmlinuz");
        assertThat(read.readOnly()).isTrue();
        assertThat(read.files())
                .singleElement()
                .satisfies(f -> assertThat(f.toString()).contains("/etc/app.conf"));
        assertThat(read.machine().toString().toLowerCase()).contains("pc");
    }

    @Test
    void aMinimalSpecWithItsNullsIsAcceptedAndLeavesTheWatchdogToTheNode() {
        BootSpec written = BootSpecFactory.build(Fixtures.spec("app:1"), Map.of(), Fixtures.SETTINGS);
        BootSpec read = reader.read(PodFactory.json(written));
        assertThat(read).isEqualTo(written);
        assertThat(read.bootTimeoutSeconds()).isNull();
        assertThat(read.machine())
                .as("the image label and the guest kind decide")
                .isNull();
    }
}
