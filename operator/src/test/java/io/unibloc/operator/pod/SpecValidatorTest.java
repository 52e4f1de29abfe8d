package io.unibloc.operator.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.unibloc.api.v1alpha1.UnikernelPodSpec;
import io.unibloc.api.v1alpha1.pod.FileProjection;
import io.unibloc.api.v1alpha1.pod.Guest;
import io.unibloc.api.v1alpha1.pod.KeyRef;
import io.unibloc.api.v1alpha1.pod.Machine;
import io.unibloc.api.v1alpha1.pod.Rootfs;
import io.unibloc.api.v1alpha1.pod.Vmm;
import io.unibloc.api.v1alpha1.pod.WriteMode;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SpecValidatorTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                bad("no image", s -> s.setImage(null), "spec.image is required"),
                bad("blank image", s -> s.setImage("  "), "spec.image is required"),
                bad("malformed image", s -> s.setImage("UPPER/Case:1"), "spec.image: invalid image reference"),
                bad("oci layout", s -> s.setImage("oci:/tmp/layout:1"), "oci: layout"),
                bad("zero vcpus", s -> s.setVcpus(0), "spec.vcpus must be between 1 and 64, got 0"),
                bad("too many vcpus", s -> s.setVcpus(65), "spec.vcpus must be between 1 and 64, got 65"),
                bad("memory below the floor", s -> s.setMemory("16Mi"), "spec.memory must be at least 32Mi"),
                bad("memory without unit", s -> s.setMemory("256"), "must be a whole number of Mi or Gi"),
                bad("memory in bytes", s -> s.setMemory("1G"), "must be a whole number of Mi or Gi"),
                bad("rootfs size", s -> s.setRootfs(new Rootfs("ten", null, null)), "spec.rootfs.size 'ten'"),
                bad("env name with =", s -> s.setEnv(Map.of("A=B", "x")), "spec.env: name 'A=B'"),
                bad(
                        "file without source",
                        s -> s.setFiles(List.of(new FileProjection("/a", null, null, null))),
                        "spec.files[0]: set exactly one of configMap or secret"),
                bad(
                        "file with two sources",
                        s -> s.setFiles(
                                List.of(new FileProjection("/a", new KeyRef("c", "k"), new KeyRef("s", "k"), null))),
                        "set exactly one of configMap or secret"),
                bad(
                        "relative file path",
                        s -> s.setFiles(List.of(new FileProjection("etc/a", new KeyRef("c", "k"), null, null))),
                        "spec.files[0].path 'etc/a' must be an absolute file path"),
                bad(
                        "dot-dot file path",
                        s -> s.setFiles(List.of(new FileProjection("/etc/../../x", new KeyRef("c", "k"), null, null))),
                        "without '..'"),
                bad(
                        "duplicate file path",
                        s -> s.setFiles(List.of(
                                new FileProjection("/a", new KeyRef("c", "k"), null, null),
                                new FileProjection("/a", new KeyRef("c", "j"), null, null))),
                        "spec.files[1].path /a is written"),
                bad(
                        "file mode too big",
                        s -> s.setFiles(List.of(new FileProjection("/a", new KeyRef("c", "k"), null, 01000))),
                        "spec.files[0].mode must be between 0 and 0777"),
                bad(
                        "read-only rootfs with files",
                        s -> {
                            s.setRootfs(new Rootfs(null, null, true));
                            s.setFiles(List.of(new FileProjection("/etc/a", new KeyRef("c", "k"), null, null)));
                        },
                        "spec.rootfs.readOnly: true cannot be combined with spec.files"),
                bad(
                        "ephemeral rootfs with files",
                        s -> {
                            Rootfs rootfs = new Rootfs(null, null, null);
                            rootfs.setWriteMode(WriteMode.EPHEMERAL);
                            s.setRootfs(rootfs);
                            s.setFiles(List.of(new FileProjection("/etc/a", new KeyRef("c", "k"), null, null)));
                        },
                        "spec.rootfs.writeMode: ephemeral cannot be combined with spec.files"),
                bad(
                        "ephemeral rootfs on firecracker",
                        s -> {
                            Rootfs rootfs = new Rootfs(null, null, null);
                            rootfs.setWriteMode(WriteMode.EPHEMERAL);
                            s.setRootfs(rootfs);
                            s.setVmm(Vmm.FIRECRACKER);
                        },
                        "spec.rootfs.writeMode: ephemeral needs vmm qemu"),
                bad(
                        "linux guest below 64Mi",
                        s -> {
                            s.setGuest(Guest.LINUX);
                            s.setMemory("48Mi");
                        },
                        "spec.memory must be at least 64Mi for a linux guest"),
                bad(
                        "q35 on firecracker",
                        s -> {
                            s.setVmm(Vmm.FIRECRACKER);
                            s.setMachine(Machine.Q35);
                        },
                        "spec.machine q35 is a QEMU machine type"),
                bad(
                        "solo5 on firecracker",
                        s -> {
                            s.setVmm(Vmm.FIRECRACKER);
                            s.setGuest(Guest.SOLO5);
                        },
                        "spec.guest solo5 cannot run on firecracker"),
                bad(
                        "unikraft on cloud-hypervisor",
                        s -> {
                            s.setVmm(Vmm.CLOUD_HYPERVISOR);
                            s.setGuest(Guest.UNIKRAFT);
                        },
                        "spec.guest unikraft cannot run on cloud-hypervisor"),
                bad(
                        "solo5 on microvm",
                        s -> {
                            s.setGuest(Guest.SOLO5);
                            s.setMachine(Machine.MICROVM);
                        },
                        "a solo5 guest needs spec.machine pc or q35"),
                good("read-only rootfs without files", s -> s.setRootfs(new Rootfs(null, null, true))),
                good("unikraft at 32Mi", s -> {
                    s.setGuest(Guest.UNIKRAFT);
                    s.setMemory("32Mi");
                }),
                good("solo5 on pc", s -> {
                    s.setGuest(Guest.SOLO5);
                    s.setMachine(Machine.PC);
                }),
                good("minimal", s -> {}),
                good("memory at the floor", s -> s.setMemory("32Mi")),
                good("memory in Gi", s -> s.setMemory("1Gi")),
                good("everything", s -> {
                    s.setVcpus(64);
                    s.setRootfs(new Rootfs("10Gi", null, false));
                    s.setEnv(Map.of("PATH", "/bin"));
                    s.setFiles(List.of(new FileProjection("/etc/a.conf", null, new KeyRef("s", "a.conf"), 0600)));
                }));
    }

    private static Arguments bad(String name, Consumer<UnikernelPodSpec> change, String message) {
        return Arguments.of(name, change, message);
    }

    private static Arguments good(String name, Consumer<UnikernelPodSpec> change) {
        return Arguments.of(name, change, null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void validates(String name, Consumer<UnikernelPodSpec> change, String expected) {
        UnikernelPodSpec spec = Fixtures.spec("registry.example.com/app:1.0");
        change.accept(spec);
        List<String> problems = SpecValidator.validate(spec);
        if (expected == null) {
            assertThat(problems).isEmpty();
        } else {
            assertThat(problems).singleElement().asString().contains(expected);
        }
    }

    @Test
    void noSpecAtAll() {
        assertThat(SpecValidator.validate(null)).containsExactly("spec is required: set at least spec.image");
    }
}
