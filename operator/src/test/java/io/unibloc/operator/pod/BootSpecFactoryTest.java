package io.unibloc.operator.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.unibloc.api.v1alpha1.UnikernelPodSpec;
import io.unibloc.api.v1alpha1.pod.FileProjection;
import io.unibloc.api.v1alpha1.pod.Guest;
import io.unibloc.api.v1alpha1.pod.KeyRef;
import io.unibloc.api.v1alpha1.pod.Rootfs;
import io.unibloc.sandbox.spec.BootSpec;
import io.unibloc.sandbox.spec.GuestKind;
import io.unibloc.sandbox.spec.GuestNetConfig;
import io.unibloc.sandbox.spec.InvalidBootSpecException;
import io.unibloc.types.Machine;
import io.unibloc.types.Vmm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BootSpecFactoryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> LABELS = Map.of(
            "io.unibloc.kernel",
            "/boot/vmlinuz-label",
            "io.unibloc.initrd",
            "/boot/initrd-label",
            "io.unibloc.cmdline",
            "console=ttyS0 quiet",
            "io.unibloc.guest",
            "unikraft",
            "io.unibloc.vmm",
            "firecracker");

    @Test
    void jsonCarriesOnlyWhatIsSetAndLeavesTheRestToTheSandboxsDefaults() throws Exception {
        JsonNode json = JSON.readTree(
                PodFactory.json(BootSpecFactory.build(Fixtures.spec("app:1"), Map.of(), Fixtures.SETTINGS)));
        List<String> names = new ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        // The sandbox's defaults depend on the guest (solo5 → pc machine, non-Linux → empty cmdline): unset
        // fields are left out, never written as a value.
        assertThat(names).containsExactly("vcpus", "memoryMiB", "rootDevice", "readOnly", "network");
        assertThat(json.get("network").toString())
                .as("the operator's default auto is resolved: a concrete mode, never auto")
                .isEqualTo("{\"mode\":\"tap\"}");
        assertThat(json.get("vcpus").asInt()).isEqualTo(1);
        assertThat(json.get("memoryMiB").asLong()).isEqualTo(256);
        assertThat(json.get("rootDevice").asText()).isEqualTo("/dev/unibloc-root");
        assertThat(json.get("readOnly").asBoolean()).isFalse();
    }

    @Test
    void enumsAreWrittenByTheirWireNames() throws Exception {
        UnikernelPodSpec spec = Fixtures.spec("app:1");
        spec.setVmm(Vmm.CLOUD_HYPERVISOR);
        spec.setMachine(Machine.Q35);
        JsonNode json = JSON.readTree(PodFactory.json(BootSpecFactory.build(spec, LABELS, Fixtures.SETTINGS)));
        assertThat(json.get("vmm").asText()).isEqualTo("cloud-hypervisor");
        assertThat(json.get("machine").asText()).isEqualTo("q35");
        assertThat(json.get("guest").asText()).isEqualTo("unikraft");
    }

    @Test
    void anImageLabelNamingNoKnownVmmIsRefusedNamingTheLabel() {
        assertThatThrownBy(() -> BootSpecFactory.build(
                        Fixtures.spec("app:1"), Map.of("io.unibloc.vmm", "bhyve"), Fixtures.SETTINGS))
                .isInstanceOf(InvalidBootSpecException.class)
                .hasMessageContaining("io.unibloc.vmm")
                .hasMessageContaining("bhyve");
    }

    @Test
    void imageLabelsFillWhatTheSpecLeavesOut() {
        BootSpec boot = BootSpecFactory.build(Fixtures.spec("app:1"), LABELS, Fixtures.SETTINGS);
        assertThat(boot.kernel()).isEqualTo("/boot/vmlinuz-label");
        assertThat(boot.initrd()).isEqualTo("/boot/initrd-label");
        assertThat(boot.cmdline()).isEqualTo("console=ttyS0 quiet");
        assertThat(boot.guest()).isEqualTo(GuestKind.UNIKRAFT);
        assertThat(boot.vmm()).isEqualTo(io.unibloc.types.Vmm.FIRECRACKER);
    }

    @Test
    void theMachineAndNetworkLabelsAndUruncAnnotationsReachThePodAsTheyReachUniblocRun() {
        Map<String, String> labels = Map.of(
                "com.urunc.unikernel.binary", "/unikernel/app",
                "com.urunc.unikernel.unikernelType", "unikraft",
                "io.unibloc.machine", "q35",
                "io.unibloc.net", "none");
        BootSpec boot = BootSpecFactory.build(Fixtures.spec("app:1"), labels, Fixtures.SETTINGS);
        assertThat(boot.kernel()).isEqualTo("/unikernel/app");
        assertThat(boot.guest()).isEqualTo(GuestKind.UNIKRAFT);
        assertThat(boot.machine()).isEqualTo(io.unibloc.types.Machine.Q35);
        assertThat(boot.network().guestConfig()).isEqualTo(GuestNetConfig.NONE);
        assertThat(boot.network().mode())
                .as("the label says how the guest learns its address, not which data path the Pod has")
                .isEqualTo(io.unibloc.types.NetworkMode.TAP);
    }

    @Test
    void theSpecWinsOverLabels() {
        UnikernelPodSpec spec = Fixtures.spec("app:1");
        spec.setKernel("/kernel");
        spec.setInitrd("/initrd.img");
        spec.setCmdline("console=hvc0");
        spec.setGuest(Guest.SOLO5);
        spec.setVmm(Vmm.CLOUD_HYPERVISOR);
        spec.setMachine(Machine.Q35);
        spec.setArgs(List.of("--port", "8080"));
        spec.setEnv(Map.of("B", "2", "A", "1"));
        spec.setVcpus(3);
        spec.setMemory("2Gi");
        spec.setRootfs(new Rootfs("4Gi", null, true));
        spec.setBootTimeoutSeconds(45);
        BootSpec boot = BootSpecFactory.build(spec, LABELS, Fixtures.SETTINGS);
        assertThat(boot)
                .isEqualTo(new BootSpec(
                        io.unibloc.types.Vmm.CLOUD_HYPERVISOR,
                        io.unibloc.types.Machine.Q35,
                        GuestKind.SOLO5,
                        "/kernel",
                        null,
                        "/initrd.img",
                        null,
                        "console=hvc0",
                        List.of("--port", "8080"),
                        Map.of("A", "1", "B", "2"),
                        3,
                        2048,
                        "/dev/unibloc-root",
                        true,
                        List.of(),
                        List.of(),
                        45,
                        new io.unibloc.sandbox.spec.NetworkSpec(io.unibloc.types.NetworkMode.TAP, List.of())));
        assertThat(boot.env().keySet()).as("env in a stable order").containsExactly("A", "B");
    }

    @Test
    void filesPointIntoTheirProjectedDirectories() {
        UnikernelPodSpec spec = Fixtures.spec("app:1");
        spec.setFiles(List.of(
                new FileProjection("/etc/app.conf", new KeyRef("app-config", "app.conf"), null, null),
                new FileProjection("/etc/tls/key.pem", null, new KeyRef("tls", "tls.key"), 0400)));
        BootSpec boot = BootSpecFactory.build(spec, Map.of(), Fixtures.SETTINGS);
        assertThat(boot.files())
                .containsExactly(
                        new io.unibloc.sandbox.spec.FileProjection(
                                "/run/unibloc/files/0/app.conf", "/etc/app.conf", 420),
                        new io.unibloc.sandbox.spec.FileProjection(
                                "/run/unibloc/files/1/tls.key", "/etc/tls/key.pem", 256));
    }
}
