package io.unibloc.sandbox.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The streaming reader accepts, refuses and words its errors exactly as the data-binding reader it replaced. Each
 * row's expected outcome was printed by that reader (jackson-databind 2.21, commit 3f3aa36; the network object's
 * known fields since include {@code guestConfig}) for the same input: for
 * an accepted spec, what {@link BootSpecReader#write} makes of it (so coercions show: {@code "2"} became 2); for a
 * refused one, the problem. Where the new reader is deliberately stricter (a field given twice, trailing content)
 * or words better (numbers out of range, null ports), {@link BootSpecReaderTest} says so.
 */
class BootSpecCompatibilityTest {

    private final BootSpecReader reader = new BootSpecReader();

    static Stream<Arguments> asTheDataBindingReaderDid() {
        return Stream.of(
                row(
                        "{\"memoryMib\":512}",
                        "unknown field \"memoryMib\"; known fields: args, bootTimeoutSeconds, cmdline, env, extraDevices, files, guest, initrd, initrdHostPath, kernel, kernelHostPath, machine, memoryMiB, network, readOnly, rootDevice, vcpus, vmm"),
                row(
                        "{\"vmm\":\"xen\"}",
                        "field vmm: unknown vmm \"xen\"; expected one of qemu, firecracker, cloud-hypervisor"),
                row(
                        "{\"machine\":\"virt\"}",
                        "field machine: unknown machine \"virt\"; expected one of microvm, pc, q35"),
                row(
                        "{\"guest\":\"osv\"}",
                        "field guest: unknown guest \"osv\"; expected one of linux, unikraft, solo5, multiboot"),
                row("{\"vcpus\":\"two\"}", "field vcpus: cannot read \"two\" as a whole number"),
                row("{\"memoryMiB\":256.5}", "field memoryMiB: cannot read 256.5 as a whole number"),
                row("{\"args\":\"-v\"}", "field args: expected a JSON array here"),
                row("{\"kernel\":{}}", "field kernel: expected a string here"),
                row(
                        "{\"files\":[{\"src\":\"/a\",\"target\":\"/b\"}]}",
                        "unknown field \"src\" in files[0]; known fields: mode, source, target"),
                row(
                        "{vmm: qemu",
                        "not valid JSON: Unexpected character ('v' (code 118)): was expecting double-quote to start field name"),
                row("null", "the boot spec is JSON null; expected an object"),
                row("  ", "the boot spec is empty"),
                row("{\"args\":[\"a\",null]}", "args must not contain null entries"),
                row("{\"vcpus\":true}", "field vcpus: expected a whole number here"),
                row("{\"vcpus\":\"2\"}", "OK {\"vcpus\":2}"),
                row("{\"vcpus\":2.0}", "field vcpus: cannot read 2.0 as a whole number"),
                row("{\"readOnly\":\"true\"}", "OK {\"readOnly\":true}"),
                row("{\"readOnly\":1}", "OK {\"readOnly\":true}"),
                row("{\"env\":{\"A\":1}}", "OK {\"env\":{\"A\":\"1\"}}"),
                row("{\"env\":{\"A\":null}}", "env must not contain null keys or values (key A)"),
                row("{\"env\":[]}", "field env: expected a JSON object of strings here"),
                row("{\"env\":\"x\"}", "field env: expected a JSON object of strings here"),
                row("{\"kernel\":1}", "OK {\"kernel\":\"1\"}"),
                row("{\"kernel\":true}", "OK {\"kernel\":\"true\"}"),
                row("{\"kernel\":[\"a\"]}", "field kernel: expected a string here"),
                row(
                        "{\"files\":[{\"source\":\"/a\",\"target\":\"/b\",\"mode\":\"0644\"}]}",
                        "OK {\"files\":[{\"source\":\"/a\",\"target\":\"/b\",\"mode\":644}]}"),
                row("{\"files\":{}}", "field files: expected a JSON array here"),
                row("{\"files\":[1]}", "field files[0]: expected a FileProjection here"),
                row("{\"files\":[null]}", "files must not contain null entries"),
                row(
                        "{\"network\":{\"mode\":\"bridge\"}}",
                        "field network.mode: unknown network mode \"bridge\"; expected one of auto, tap, passt, none"),
                row(
                        "{\"network\":{\"mode\":\"tap\",\"ports\":[{\"port\":0}]}}",
                        "field network.ports[0]: network.ports: port must be 1 to 65535, got 0"),
                row(
                        "{\"network\":{\"mode\":\"tap\",\"ports\":[{\"port\":80,\"protocol\":\"SCTP\"}]}}",
                        "field network.ports[0]: network.ports: protocol must be TCP or UDP, got \"SCTP\" for port 80"),
                row(
                        "{\"network\":{\"ports\":[{\"port\":80,\"proto\":\"TCP\"}]}}",
                        "unknown field \"proto\" in network.ports[0]; known fields: port, protocol"),
                row("{\"network\":{\"ports\":[{}]}}", "field network.ports[0].port: expected a whole number here"),
                row(
                        "{\"network\":{\"ports\":[{\"port\":null}]}}",
                        "field network.ports[0].port: expected a whole number here"),
                row(
                        "{\"network\":{\"ports\":[{\"port\":\"80\"}]}}",
                        "OK {\"network\":{\"ports\":[{\"port\":80,\"protocol\":\"TCP\"}]}}"),
                row(
                        "{\"network\":{\"x\":1}}",
                        "unknown field \"x\" in network; known fields: guestConfig, mode, ports"),
                row("{\"network\":\"tap\"}", "field network: expected a NetworkSpec here"),
                row("[]", "expected a BootSpec here"),
                row("\"x\"", "expected a BootSpec here"),
                row("1", "expected a BootSpec here"),
                row("{\"vmm\":null}", "OK {}"),
                row("{\"args\":null}", "OK {}"),
                row("{\"vmm\":1}", "field vmm: unknown vmm \"1\"; expected one of qemu, firecracker, cloud-hypervisor"),
                row("{\"bootTimeoutSeconds\":-1}", "OK {\"bootTimeoutSeconds\":-1}"),
                row("{\"extraDevices\":[1]}", "OK {\"extraDevices\":[\"1\"]}"),
                row("{\"args\":[1]}", "OK {\"args\":[\"1\"]}"),
                row("{\"args\":[true]}", "OK {\"args\":[\"true\"]}"),
                row("{\"args\":[{}]}", "field args[0]: expected a string here"),
                row("{\"vcpus\":1e2}", "field vcpus: cannot read 100.0 as a whole number"),
                row("{\"memoryMiB\":-5}", "OK {\"memoryMiB\":-5}"),
                row(
                        "{'vmm':'qemu'}",
                        "not valid JSON: Unexpected character (''' (code 39)): was expecting double-quote to start field name"),
                row(
                        "{\"vmm\":\"qemu\"",
                        "not valid JSON: Unexpected end-of-input: expected close marker for Object (start marker at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 1])"),
                row("{\"a\":", "not valid JSON: Unexpected end-of-input within/between Object entries"),
                row("{\"kernel\":\"a\\u0041\"}", "OK {\"kernel\":\"aA\"}"),
                row(
                        "{\"files\":[{\"source\":\"/a\",\"target\":\"/b\",\"mode\":null}]}",
                        "OK {\"files\":[{\"source\":\"/a\",\"target\":\"/b\",\"mode\":null}]}"),
                row(
                        "{\"files\":[{\"source\":\"/a\"}]}",
                        "OK {\"files\":[{\"source\":\"/a\",\"target\":null,\"mode\":null}]}"),
                row("{\"network\":null}", "OK {}"),
                row("{\"network\":{\"ports\":null}}", "OK {\"network\":{}}"),
                row(
                        "{\"network\":{\"ports\":[{\"port\":80,\"protocol\":null}]}}",
                        "OK {\"network\":{\"ports\":[{\"port\":80,\"protocol\":\"TCP\"}]}}"),
                row("{\"vcpus\":\"\"}", "OK {}"),
                row("{\"machine\":\"\"}", "field machine: unknown machine \"\"; expected one of microvm, pc, q35"),
                row("{\"machine\":null}", "OK {}"),
                row("{\"machine\":\"PC\"}", "field machine: unknown machine \"PC\"; expected one of microvm, pc, q35"),
                row(
                        "/* c */ {}",
                        "not valid JSON: Unexpected character ('/' (code 47)): maybe a (non-standard) comment? (not recognized as one since Feature 'ALLOW_COMMENTS' not enabled for parser)"),
                row("{\"vcpus\":01}", "not valid JSON: Invalid numeric value: Leading zeroes not allowed"),
                row(
                        "{\"vcpus\":NaN}",
                        "not valid JSON: Non-standard token 'NaN': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow"),
                row("{\"vmm\":{}}", "field vmm: expected a Vmm here"),
                row("{\"vmm\":[]}", "field vmm: expected a Vmm here"),
                row(
                        "{\"vmm\":true}",
                        "field vmm: unknown vmm \"true\"; expected one of qemu, firecracker, cloud-hypervisor"),
                row("{\"readOnly\":\"yes\"}", "field readOnly: cannot read \"yes\" as true or false"),
                row("{\"readOnly\":2}", "OK {\"readOnly\":true}"),
                row("{\"readOnly\":{}}", "field readOnly: expected true or false here"),
                row("{\"readOnly\":[]}", "field readOnly: expected true or false here"),
                row("{\"vcpus\":[]}", "field vcpus: expected a whole number here"),
                row("{\"vcpus\":{}}", "field vcpus: expected a whole number here"),
                row("{\"env\":{\"A\":{}}}", "field env.A: expected a string here"),
                row("{\"env\":{\"A\":[1]}}", "field env.A: expected a string here"),
                row("{\"env\":{\"A\":true}}", "OK {\"env\":{\"A\":\"true\"}}"),
                row("{\"env\":{\"A\":1.5}}", "OK {\"env\":{\"A\":\"1.5\"}}"),
                row("{\"files\":[{\"mode\":\"abc\"}]}", "field files[0].mode: cannot read \"abc\" as a whole number"),
                row("{\"files\":[{\"mode\":1.5}]}", "field files[0].mode: cannot read 1.5 as a whole number"),
                row("{\"bootTimeoutSeconds\":\"x\"}", "field bootTimeoutSeconds: cannot read \"x\" as a whole number"),
                row("{\"args\":[1.5]}", "OK {\"args\":[\"1.5\"]}"),
                row("{\"vcpus\":\"2.5\"}", "field vcpus: cannot read \"2.5\" as a whole number"),
                row("{\"vcpus\":\" 2\"}", "OK {\"vcpus\":2}"),
                row(
                        "{\"network\":{\"mode\":1}}",
                        "field network.mode: unknown network mode \"1\"; expected one of auto, tap, passt, none"),
                row("{\"network\":{\"mode\":null}}", "OK {\"network\":{}}"),
                row("{\"network\":{\"ports\":{}}}", "field network.ports: expected a JSON array here"),
                row(
                        "{\"network\":{\"ports\":[{\"port\":80.5}]}}",
                        "field network.ports[0].port: cannot read 80.5 as a whole number"),
                row(
                        "{\"network\":{\"ports\":[{\"port\":\"x\"}]}}",
                        "field network.ports[0].port: cannot read \"x\" as a whole number"),
                row(
                        "{\"network\":{\"ports\":[{\"port\":true}]}}",
                        "field network.ports[0].port: expected a whole number here"),
                row(
                        "{\"network\":{\"ports\":[{\"port\":80,\"protocol\":1}]}}",
                        "field network.ports[0]: network.ports: protocol must be TCP or UDP, got \"1\" for port 80"),
                row("{\"network\":{\"ports\":[1]}}", "field network.ports[0]: expected a GuestPort here"),
                row("{\"network\":[]}", "field network: expected a NetworkSpec here"),
                row("{\"readOnly\":null}", "OK {}"),
                row("{\"readOnly\":\"false\"}", "OK {\"readOnly\":false}"),
                row("{\"readOnly\":0}", "OK {\"readOnly\":false}"),
                row("{\"readOnly\":\"\"}", "OK {}"),
                row("{\"readOnly\":\"TRUE\"}", "OK {\"readOnly\":true}"),
                row("{\"kernel\":null}", "OK {}"),
                row("{\"kernel\":1.5}", "OK {\"kernel\":\"1.5\"}"),
                row("{\"cmdline\":\"\"}", "OK {}"),
                row("{\"vcpus\":-0}", "OK {\"vcpus\":0}"),
                row("{\"vcpus\":\"-3\"}", "OK {\"vcpus\":-3}"),
                row("{\"memoryMiB\":\"1e2\"}", "field memoryMiB: cannot read \"1e2\" as a whole number"),
                row(
                        "{\"files\":[{\"source\":\"/a\",\"target\":\"/b\",\"mode\":420.0}]}",
                        "field files[0].mode: cannot read 420.0 as a whole number"),
                row(
                        "{\"network\":{\"ports\":[{\"port\":65536}]}}",
                        "field network.ports[0]: network.ports: port must be 1 to 65535, got 65536"),
                row("{\"files\":[{\"source\":{},\"target\":\"/b\"}]}", "field files[0].source: expected a string here"),
                row("{\"vcpus\":\"99999999999\"}", "field vcpus: cannot read \"99999999999\" as a whole number"),
                row("{\"env\":{\"\":\"x\"}}", "OK {\"env\":{\"\":\"x\"}}"),
                row(
                        "{\"bootTimeoutSeconds\":0,\"readOnly\":false,\"cmdline\":\"\",\"vcpus\":0}",
                        "OK {\"vcpus\":0,\"readOnly\":false,\"bootTimeoutSeconds\":0}"),
                row(
                        "{\"files\":[{\"target\":\"/b\",\"source\":\"/a\"}],\"network\":{\"ports\":[{\"protocol\":\"UDP\",\"port\":53}],\"mode\":\"none\"}}",
                        "OK {\"files\":[{\"source\":\"/a\",\"target\":\"/b\",\"mode\":null}],\"network\":{\"mode\":\"none\",\"ports\":[{\"port\":53,\"protocol\":\"UDP\"}]}}"),
                row("{\"kernel\":\"q\\\"x\\\\y\\/z\\tw\\u00e9\"}", "OK {\"kernel\":\"q\\\"x\\\\y/z\\twé\"}"),
                row(
                        "{\"args\":[\"\"],\"env\":{\"A\":\"\"},\"extraDevices\":[]}",
                        "OK {\"args\":[\"\"],\"env\":{\"A\":\"\"}}"),
                row("{\"network\":{}}", "OK {\"network\":{}}"),
                row("{\"vcpus\":\" \"}", "OK {}"),
                row("{\"memoryMiB\":\"0x10\"}", "field memoryMiB: cannot read \"0x10\" as a whole number"),
                row("{\"vcpus\":\"+2\"}", "OK {\"vcpus\":2}"),
                row("{\"vcpus\":1.0e0}", "field vcpus: cannot read 1.0 as a whole number"),
                row("{\"args\":[null]}", "args must not contain null entries"),
                row("{\"extraDevices\":[null]}", "extraDevices must not contain null entries"),
                row("{\"extraDevices\":\"x\"}", "field extraDevices: expected a JSON array here"),
                row("{\"files\":[{}]}", "OK {\"files\":[{\"source\":null,\"target\":null,\"mode\":null}]}"),
                row("{\"files\":[{\"mode\":\"0x1\"}]}", "field files[0].mode: cannot read \"0x1\" as a whole number"),
                row(
                        "{\"files\":[{\"source\":\"/a\",\"mode\":true}]}",
                        "field files[0].mode: expected a whole number here"),
                row("{\"env\":null}", "OK {}"),
                row("{\"files\":null}", "OK {}"),
                row("{\"extraDevices\":null}", "OK {}"),
                row("{\"vcpus\":null,\"memoryMiB\":null,\"bootTimeoutSeconds\":null,\"readOnly\":null}", "OK {}"),
                row(
                        "{\"network\":{\"ports\":[{\"port\":80,\"protocol\":\"tcp\"}]}}",
                        "field network.ports[0]: network.ports: protocol must be TCP or UDP, got \"tcp\" for port 80"),
                row(
                        "{\"guest\":\"unikraft\",\"vmm\":\"cloud-hypervisor\",\"machine\":\"q35\"}",
                        "OK {\"vmm\":\"cloud-hypervisor\",\"machine\":\"q35\",\"guest\":\"unikraft\"}"),
                row("{\"vcpus\":true,\"kernel\":{}}", "field vcpus: expected a whole number here"));
    }

    private static Arguments row(String json, String outcome) {
        return Arguments.of(Named.of(json.isBlank() ? "(blank)" : json, json), outcome);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("asTheDataBindingReaderDid")
    void sameOutcomeAsTheDataBindingReader(String json, String outcome) {
        if (outcome.startsWith("OK ")) {
            assertThat(reader.write(reader.read(json))).isEqualTo(outcome.substring(3));
        } else if (outcome.startsWith("not valid JSON: ")) {
            // Jackson's own words for malformed JSON; compared as far as they do not depend on its version.
            assertThatThrownBy(() -> reader.read(json))
                    .isInstanceOf(InvalidBootSpecException.class)
                    .satisfies(e -> assertThat(((InvalidBootSpecException) e).problems())
                            .singleElement()
                            .asString()
                            .startsWith(outcome.substring(0, Math.min(outcome.length(), 40))));
        } else {
            assertThatThrownBy(() -> reader.read(json))
                    .isInstanceOf(InvalidBootSpecException.class)
                    .satisfies(e -> assertThat(((InvalidBootSpecException) e).problems())
                            .containsExactly(outcome));
        }
    }
}
