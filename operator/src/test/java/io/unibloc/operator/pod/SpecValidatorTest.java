package io.unibloc.operator.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ExecAction;
import io.fabric8.kubernetes.api.model.HTTPGetActionBuilder;
import io.fabric8.kubernetes.api.model.TCPSocketAction;
import io.fabric8.kubernetes.api.model.TCPSocketActionBuilder;
import io.unibloc.api.v1alpha1.UnikernelPodSpec;
import io.unibloc.api.v1alpha1.pod.FileProjection;
import io.unibloc.api.v1alpha1.pod.Guest;
import io.unibloc.api.v1alpha1.pod.GuestPort;
import io.unibloc.api.v1alpha1.pod.GuestProbe;
import io.unibloc.api.v1alpha1.pod.KeyRef;
import io.unibloc.api.v1alpha1.pod.Network;
import io.unibloc.api.v1alpha1.pod.Protocol;
import io.unibloc.api.v1alpha1.pod.Rootfs;
import io.unibloc.types.Machine;
import io.unibloc.types.NetworkMode;
import io.unibloc.types.Vmm;
import io.unibloc.types.WriteMode;
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
                bad(
                        "port 0",
                        s -> s.setPorts(List.of(new GuestPort(null, 0, null))),
                        "spec.ports[0].containerPort must be 1 to 65535, got 0"),
                bad(
                        "port twice with the default protocol",
                        s -> s.setPorts(List.of(new GuestPort(null, 80, null), new GuestPort(null, 80, Protocol.TCP))),
                        "spec.ports[1]: containerPort 80/TCP is listed twice"),
                bad(
                        "name of digits",
                        s -> s.setPorts(List.of(new GuestPort("8080", 8080, null))),
                        "spec.ports[0].name '8080' must be an IANA service name"),
                bad(
                        "name with --",
                        s -> s.setPorts(List.of(new GuestPort("a--b", 1, null))),
                        "spec.ports[0].name 'a--b' must be an IANA service name"),
                bad(
                        "name of 16 characters",
                        s -> s.setPorts(List.of(new GuestPort("abcdefghijklmnop", 1, null))),
                        "must be an IANA service name"),
                bad(
                        "same name twice",
                        s -> s.setPorts(List.of(new GuestPort("web", 80, null), new GuestPort("web", 81, null))),
                        "spec.ports[1].name web is used by an earlier port too"),
                bad(
                        "exec probe",
                        s -> s.setReadinessProbe(probe(p -> p.setExec(new ExecAction(List.of("true"))))),
                        "spec.readinessProbe.exec cannot run: the application is inside the guest"),
                bad(
                        "probe without handler",
                        s -> s.setLivenessProbe(probe(p -> p.setPeriodSeconds(3))),
                        "spec.livenessProbe: set exactly one of tcpSocket or httpGet"),
                bad(
                        "probe naming an unknown port",
                        s -> s.setReadinessProbe(probe(p -> p.setHttpGet(new HTTPGetActionBuilder()
                                .withPath("/")
                                .withNewPort("http")
                                .build()))),
                        "spec.readinessProbe.httpGet.port 'http' names no entry of spec.ports"),
                bad(
                        "probe port 70000",
                        s -> s.setReadinessProbe(probe(p -> p.setTcpSocket(tcp(70000)))),
                        "spec.readinessProbe.tcpSocket.port must be 1 to 65535, got 70000"),
                bad(
                        "liveness success threshold 2",
                        s -> s.setLivenessProbe(probe(p -> {
                            p.setTcpSocket(tcp(80));
                            p.setSuccessThreshold(2);
                        })),
                        "spec.livenessProbe.successThreshold must be 1, got 2"),
                bad(
                        "probe with no network",
                        s -> {
                            s.setNetwork(new Network(NetworkMode.NONE));
                            s.setReadinessProbe(probe(p -> p.setTcpSocket(tcp(80))));
                        },
                        "spec.network.mode none gives the guest no NIC"),
                good("network service", s -> {
                    s.setNetwork(new Network(NetworkMode.PASST));
                    s.setPorts(List.of(new GuestPort("http", 8080, null), new GuestPort(null, 8080, Protocol.UDP)));
                    s.setReadinessProbe(probe(p -> p.setHttpGet(new HTTPGetActionBuilder()
                            .withPath("/healthz")
                            .withNewPort("http")
                            .build())));
                    s.setLivenessProbe(probe(p -> p.setTcpSocket(tcp(8080))));
                }),
                good("read-only rootfs without files", s -> s.setRootfs(new Rootfs(null, null, true))),
                good("ephemeral rootfs with files: written into the guest's overlay", s -> {
                    Rootfs rootfs = new Rootfs(null, null, null);
                    rootfs.setWriteMode(WriteMode.EPHEMERAL);
                    s.setRootfs(rootfs);
                    s.setFiles(List.of(new FileProjection("/etc/a", new KeyRef("c", "k"), null, null)));
                }),
                good(
                        "no write mode with files",
                        s -> s.setFiles(List.of(new FileProjection("/etc/a", new KeyRef("c", "k"), null, null)))),
                good("read-only ephemeral rootfs on firecracker: no overlay to boot", s -> {
                    Rootfs rootfs = new Rootfs(null, null, true);
                    rootfs.setWriteMode(WriteMode.EPHEMERAL);
                    s.setRootfs(rootfs);
                    s.setGuest(Guest.LINUX);
                    s.setVmm(Vmm.FIRECRACKER);
                }),
                good("no write mode with files on cloud-hypervisor: resolved when the Pod is made", s -> {
                    s.setGuest(Guest.LINUX);
                    s.setVmm(Vmm.CLOUD_HYPERVISOR);
                    s.setFiles(List.of(new FileProjection("/etc/a.conf", null, new KeyRef("s", "a.conf"), null)));
                }),
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

    static GuestProbe probe(Consumer<GuestProbe> change) {
        GuestProbe probe = new GuestProbe();
        change.accept(probe);
        return probe;
    }

    static TCPSocketAction tcp(int port) {
        return new TCPSocketActionBuilder().withNewPort(port).build();
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
