package io.unibloc.api.crd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the API server answers to good and bad UnikernelPods and UnikernelImages, from the generated
 * schemas: each bad spec is rejected with a message that names the field and says what to write.
 */
class SchemaValidationTest {
    private static final CrdSchema PODS = CrdSchema.generated("unikernelpods");
    private static final CrdSchema IMAGES = CrdSchema.generated("unikernelimages");

    private static String ukp(String spec) {
        return "{\"apiVersion\":\"unibloc.io/v1alpha1\",\"kind\":\"UnikernelPod\",\"metadata\":{\"name\":\"a\"}"
                + (spec == null ? "" : ",\"spec\":" + spec) + "}";
    }

    static Stream<Arguments> pods() {
        return Stream.of(
                Arguments.of("minimal", "{\"image\":\"app:1\"}", null),
                Arguments.of("everything", """
                        {"image":"registry.example.com/app:1.0","kernel":"/boot/vmlinuz","initrd":"/boot/initrd",
                         "cmdline":"console=ttyS0","args":["a"],"env":{"K":"V"},"vcpus":64,"memory":"1Gi",
                         "rootfs":{"size":"2Gi","fsType":"vfat","readOnly":false},"vmm":"qemu",
                         "machine":"q35","guest":"unikraft","runtimeClassName":"unibloc-urunc",
                         "imagePullSecrets":[{"name":"regcred"}],"restartPolicy":"OnFailure",
                         "nodeSelector":{"zone":"a"},"tolerations":[{"key":"k","operator":"Exists"}],
                         "files":[{"path":"/etc/app.conf","configMap":{"name":"cfg","key":"app.conf"},"mode":420},
                                  {"path":"/etc/key","secret":{"name":"s","key":"key"}}]}""", null),
                Arguments.of("memory at the floor", "{\"image\":\"a\",\"memory\":\"32Mi\"}", null),
                Arguments.of("boot watchdog off", "{\"image\":\"a\",\"bootTimeoutSeconds\":0}", null),
                Arguments.of(
                        "read-only rootfs without files", "{\"image\":\"a\",\"rootfs\":{\"readOnly\":true}}", null),
                Arguments.of(
                        "ephemeral rootfs on qemu",
                        "{\"image\":\"a\",\"rootfs\":{\"writeMode\":\"ephemeral\"},\"vmm\":\"qemu\"}",
                        null),
                Arguments.of(
                        "no write mode on firecracker (the operator resolves it per VMM)",
                        "{\"image\":\"a\",\"guest\":\"linux\",\"vmm\":\"firecracker\",\"rootfs\":{\"size\":\"1Gi\"}}",
                        null),
                Arguments.of(
                        "read-only ephemeral rootfs on firecracker (no overlay to boot)",
                        "{\"image\":\"a\",\"rootfs\":{\"writeMode\":\"ephemeral\",\"readOnly\":true},"
                                + "\"vmm\":\"firecracker\"}",
                        null),
                Arguments.of(
                        "ephemeral rootfs with files (written into the guest's overlay)",
                        "{\"image\":\"a\",\"rootfs\":{\"writeMode\":\"ephemeral\"},\"files\":"
                                + "[{\"path\":\"/etc/x\",\"secret\":{\"name\":\"s\",\"key\":\"k\"}}]}",
                        null),
                Arguments.of(
                        "no write mode with files",
                        "{\"image\":\"a\",\"files\":"
                                + "[{\"path\":\"/etc/x\",\"secret\":{\"name\":\"s\",\"key\":\"k\"}}]}",
                        null),
                Arguments.of(
                        "persistent rootfs with files on firecracker",
                        "{\"image\":\"a\",\"rootfs\":{\"writeMode\":\"persistent\"},\"vmm\":\"firecracker\","
                                + "\"files\":[{\"path\":\"/etc/x\",\"secret\":{\"name\":\"s\",\"key\":\"k\"}}]}",
                        null),
                Arguments.of(
                        "unikraft guest at 32Mi", "{\"image\":\"a\",\"guest\":\"unikraft\",\"memory\":\"32Mi\"}", null),
                Arguments.of("linux guest at 64Mi", "{\"image\":\"a\",\"guest\":\"linux\",\"memory\":\"64Mi\"}", null),
                Arguments.of(
                        "linux on firecracker", "{\"image\":\"a\",\"guest\":\"linux\",\"vmm\":\"firecracker\"}", null),
                Arguments.of("solo5 on pc", "{\"image\":\"a\",\"guest\":\"solo5\",\"machine\":\"pc\"}", null),
                Arguments.of(
                        "read-only rootfs with files",
                        "{\"image\":\"a\",\"rootfs\":{\"readOnly\":true},\"files\":"
                                + "[{\"path\":\"/etc/x\",\"secret\":{\"name\":\"s\",\"key\":\"k\"}}]}",
                        "spec.rootfs.readOnly: true cannot be combined with spec.files"),
                Arguments.of(
                        "ephemeral rootfs on firecracker",
                        "{\"image\":\"a\",\"rootfs\":{\"writeMode\":\"ephemeral\"}," + "\"vmm\":\"firecracker\"}",
                        "spec.rootfs.writeMode: ephemeral needs vmm qemu"),
                Arguments.of(
                        "writable ephemeral rootfs on cloud-hypervisor",
                        "{\"image\":\"a\",\"guest\":\"linux\",\"rootfs\":{\"writeMode\":\"ephemeral\","
                                + "\"readOnly\":false},\"vmm\":\"cloud-hypervisor\"}",
                        "unless spec.rootfs.readOnly is true"),
                Arguments.of(
                        "unknown write mode", "{\"image\":\"a\",\"rootfs\":{\"writeMode\":\"scratch\"}}", "writeMode"),
                Arguments.of(
                        "linux guest below 64Mi",
                        "{\"image\":\"a\",\"guest\":\"linux\",\"memory\":\"48Mi\"}",
                        "spec.memory must be at least 64Mi for a linux guest"),
                Arguments.of(
                        "q35 on firecracker",
                        "{\"image\":\"a\",\"vmm\":\"firecracker\",\"machine\":\"q35\"}",
                        "spec.machine pc and q35 are QEMU machine types"),
                Arguments.of(
                        "solo5 on firecracker",
                        "{\"image\":\"a\",\"vmm\":\"firecracker\",\"guest\":\"solo5\"}",
                        "spec.guest cannot run on spec.vmm"),
                Arguments.of(
                        "unikraft on cloud-hypervisor",
                        "{\"image\":\"a\",\"vmm\":\"cloud-hypervisor\",\"guest\":\"unikraft\"}",
                        "spec.guest cannot run on spec.vmm"),
                Arguments.of(
                        "solo5 on microvm",
                        "{\"image\":\"a\",\"guest\":\"solo5\",\"machine\":\"microvm\"}",
                        "a solo5 guest needs spec.machine pc or q35"),
                Arguments.of("network service", """
                        {"image":"a","network":{"mode":"passt"},
                         "ports":[{"name":"http","containerPort":8080},{"containerPort":8080,"protocol":"UDP"},
                                  {"name":"dns","containerPort":53,"protocol":"UDP"}],
                         "readinessProbe":{"httpGet":{"path":"/healthz","port":"http"},"periodSeconds":5},
                         "livenessProbe":{"tcpSocket":{"port":8080},"failureThreshold":3}}""", null),
                Arguments.of("network mode auto", "{\"image\":\"a\",\"network\":{\"mode\":\"auto\"}}", null),
                Arguments.of(
                        "unknown network mode",
                        "{\"image\":\"a\",\"network\":{\"mode\":\"bridge\"}}",
                        "$.spec.network.mode: does not have a value in the enumeration"),
                Arguments.of(
                        "port 0",
                        "{\"image\":\"a\",\"ports\":[{\"containerPort\":0}]}",
                        "$.spec.ports[0].containerPort: must have a minimum value of 1"),
                Arguments.of(
                        "port above 65535",
                        "{\"image\":\"a\",\"ports\":[{\"containerPort\":65536}]}",
                        "$.spec.ports[0].containerPort: must have a maximum value of 65535"),
                Arguments.of(
                        "port without number",
                        "{\"image\":\"a\",\"ports\":[{\"name\":\"http\"}]}",
                        "required property 'containerPort' not found"),
                Arguments.of(
                        "SCTP port",
                        "{\"image\":\"a\",\"ports\":[{\"containerPort\":9,\"protocol\":\"SCTP\"}]}",
                        "$.spec.ports[0].protocol: does not have a value in the enumeration"),
                Arguments.of(
                        "same port twice, protocol defaulted once",
                        "{\"image\":\"a\",\"ports\":[{\"containerPort\":80},"
                                + "{\"containerPort\":80,\"protocol\":\"TCP\"}]}",
                        ".spec.ports: each containerPort and protocol pair may be listed once"),
                Arguments.of(
                        "same name twice",
                        "{\"image\":\"a\",\"ports\":[{\"name\":\"web\",\"containerPort\":80},"
                                + "{\"name\":\"web\",\"containerPort\":81}]}",
                        ".spec.ports: port names must be unique"),
                Arguments.of(
                        "port name of digits only",
                        "{\"image\":\"a\",\"ports\":[{\"name\":\"8080\",\"containerPort\":8080}]}",
                        ".spec.ports[0]: name must be an IANA service name"),
                Arguments.of(
                        "port name with a double dash",
                        "{\"image\":\"a\",\"ports\":[{\"name\":\"my--port\",\"containerPort\":1}]}",
                        ".spec.ports[0]: name must be an IANA service name"),
                Arguments.of(
                        "port name too long",
                        "{\"image\":\"a\",\"ports\":[{\"name\":\"a-very-long-name1\",\"containerPort\":1}]}",
                        "$.spec.ports[0].name: must be at most 15 characters long"),
                Arguments.of(
                        "upper-case port name",
                        "{\"image\":\"a\",\"ports\":[{\"name\":\"HTTP\",\"containerPort\":1}]}",
                        "$.spec.ports[0].name: does not match the regex pattern"),
                Arguments.of(
                        "exec readiness probe",
                        "{\"image\":\"a\",\"readinessProbe\":{\"exec\":{\"command\":[\"cat\",\"/ok\"]}}}",
                        ".spec.readinessProbe: exec probes cannot run: the application is inside the guest"),
                Arguments.of(
                        "probe without handler",
                        "{\"image\":\"a\",\"livenessProbe\":{\"periodSeconds\":3}}",
                        ".spec.livenessProbe: set exactly one of tcpSocket or httpGet"),
                Arguments.of(
                        "probe with two handlers",
                        "{\"image\":\"a\",\"readinessProbe\":{\"tcpSocket\":{\"port\":1},"
                                + "\"httpGet\":{\"port\":1}}}",
                        ".spec.readinessProbe: set exactly one of tcpSocket or httpGet"),
                Arguments.of(
                        "probe without port",
                        "{\"image\":\"a\",\"readinessProbe\":{\"httpGet\":{\"path\":\"/\"}}}",
                        ".spec.readinessProbe: the probe needs a port"),
                Arguments.of(
                        "liveness success threshold 2",
                        "{\"image\":\"a\",\"livenessProbe\":{\"tcpSocket\":{\"port\":1}," + "\"successThreshold\":2}}",
                        ".spec.livenessProbe: livenessProbe.successThreshold must be 1"),
                Arguments.of(
                        "readiness success threshold 2",
                        "{\"image\":\"a\",\"readinessProbe\":{\"tcpSocket\":{\"port\":1}," + "\"successThreshold\":2}}",
                        null),
                Arguments.of(
                        "probe without a network",
                        "{\"image\":\"a\",\"network\":{\"mode\":\"none\"},"
                                + "\"readinessProbe\":{\"tcpSocket\":{\"port\":80}}}",
                        "spec.network.mode none gives the guest no NIC"),
                Arguments.of(
                        "ports without a network",
                        "{\"image\":\"a\",\"network\":{\"mode\":\"none\"},\"ports\":[{\"containerPort\":80}]}",
                        null),
                Arguments.of("no spec", null, "spec is required: set at least spec.image"),
                Arguments.of("no image", "{\"vcpus\":1}", "required property 'image' not found"),
                Arguments.of("empty image", "{\"image\":\"\"}", "must be at least 1 characters long"),
                Arguments.of(
                        "zero vcpus", "{\"image\":\"a\",\"vcpus\":0}", "$.spec.vcpus: must have a minimum value of 1"),
                Arguments.of(
                        "65 vcpus", "{\"image\":\"a\",\"vcpus\":65}", "$.spec.vcpus: must have a maximum value of 64"),
                Arguments.of(
                        "negative boot timeout",
                        "{\"image\":\"a\",\"bootTimeoutSeconds\":-1}",
                        "$.spec.bootTimeoutSeconds: must have a minimum value of 0"),
                Arguments.of(
                        "boot timeout over an hour",
                        "{\"image\":\"a\",\"bootTimeoutSeconds\":3601}",
                        "$.spec.bootTimeoutSeconds: must have a maximum value of 3600"),
                Arguments.of(
                        "memory below the floor",
                        "{\"image\":\"a\",\"memory\":\"16Mi\"}",
                        ".spec.memory: memory must be at least 32Mi: no supported guest boots with less"),
                Arguments.of(
                        "memory without unit",
                        "{\"image\":\"a\",\"memory\":\"256\"}",
                        "$.spec.memory: does not match the regex pattern"),
                Arguments.of(
                        "unknown fsType",
                        "{\"image\":\"a\",\"rootfs\":{\"fsType\":\"xfs\"}}",
                        "$.spec.rootfs.fsType: does not have a value in the enumeration [\"ext2\", \"ext4\", \"raw\", \"vfat\"]"),
                Arguments.of(
                        "unknown vmm",
                        "{\"image\":\"a\",\"vmm\":\"kvmtool\"}",
                        "$.spec.vmm: does not have a value in the enumeration"),
                Arguments.of(
                        "unknown restart policy",
                        "{\"image\":\"a\",\"restartPolicy\":\"Sometimes\"}",
                        "$.spec.restartPolicy: does not have a value in the enumeration"),
                Arguments.of(
                        "rootfs size in bytes",
                        "{\"image\":\"a\",\"rootfs\":{\"size\":\"1000000\"}}",
                        "$.spec.rootfs.size: does not match the regex pattern"),
                Arguments.of(
                        "file with two sources",
                        "{\"image\":\"a\",\"files\":[{\"path\":\"/a\",\"configMap\":{\"name\":\"c\","
                                + "\"key\":\"k\"},\"secret\":{\"name\":\"s\",\"key\":\"k\"}}]}",
                        ".spec.files[0]: set exactly one of configMap or secret as the file's source"),
                Arguments.of(
                        "file without source",
                        "{\"image\":\"a\",\"files\":[{\"path\":\"/a\"}]}",
                        ".spec.files[0]: set exactly one of configMap or secret"),
                Arguments.of(
                        "file escaping upwards",
                        "{\"image\":\"a\",\"files\":[{\"path\":\"/etc/../../x\",\"secret\":"
                                + "{\"name\":\"s\",\"key\":\"k\"}}]}",
                        ".spec.files[0]: path must be an absolute file path without '..'"),
                Arguments.of(
                        "relative file path",
                        "{\"image\":\"a\",\"files\":[{\"path\":\"etc/x\",\"secret\":"
                                + "{\"name\":\"s\",\"key\":\"k\"}}]}",
                        "$.spec.files[0].path: does not match the regex pattern"),
                Arguments.of(
                        "file mode above 0777",
                        "{\"image\":\"a\",\"files\":[{\"path\":\"/x\",\"mode\":512,\"secret\":"
                                + "{\"name\":\"s\",\"key\":\"k\"}}]}",
                        "$.spec.files[0].mode: must have a maximum value of 511"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pods")
    void unikernelPods(String name, String spec, String expected) {
        List<String> errors = PODS.validate(ukp(spec));
        if (expected == null) {
            assertThat(errors).isEmpty();
        } else {
            assertThat(errors)
                    .as("errors for %s", name)
                    .anySatisfy(e -> assertThat(e).contains(expected));
        }
    }

    @Test
    void unikernelImages() {
        String base =
                "{\"apiVersion\":\"unibloc.io/v1alpha1\",\"kind\":\"UnikernelImage\",\"metadata\":{\"name\":\"a\"},";
        assertThat(IMAGES.validate(
                        base + "\"spec\":{\"image\":\"app:1\",\"fsType\":\"raw\",\"nodeSelector\":{\"k\":\"v\"}}}"))
                .isEmpty();
        assertThat(IMAGES.validate(base + "\"spec\":{\"fsType\":\"ext4\"}}"))
                .anySatisfy(e -> assertThat(e).contains("required property 'image' not found"));
        assertThat(IMAGES.validate(base + "\"spec\":{\"image\":\"a\",\"fsType\":\"btrfs\"}}"))
                .anySatisfy(e -> assertThat(e).contains("$.spec.fsType: does not have a value in the enumeration"));
        assertThat(IMAGES.validate(base.substring(0, base.length() - 1) + "}"))
                .anySatisfy(e -> assertThat(e).contains("spec is required"));
    }

    @Test
    void everyRuleCompiles() {
        assertThat(PODS.ruleCount()).as("rules in unikernelpods").isGreaterThanOrEqualTo(9);
        assertThat(PODS.compileAllRules()).isEmpty();
        assertThat(IMAGES.compileAllRules()).isEmpty();
    }
}
