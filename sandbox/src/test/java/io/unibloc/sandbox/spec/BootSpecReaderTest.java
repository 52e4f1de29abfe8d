package io.unibloc.sandbox.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unibloc.types.Machine;
import io.unibloc.types.NetworkMode;
import io.unibloc.types.Vmm;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BootSpecReaderTest {

    private final BootSpecReader reader = new BootSpecReader();

    /** The example from the project-wide contract, field for field. */
    static final String CONTRACT_EXAMPLE = """
      {"vmm":"qemu","machine":"microvm","guest":"linux",
       "kernel":"/boot/vmlinuz","kernelHostPath":null,"initrd":null,"initrdHostPath":null,
       "cmdline":"console=ttyS0","args":["--port","8080"],"env":{"K":"V"},"vcpus":1,"memoryMiB":256,
       "rootDevice":"/dev/unibloc-root","readOnly":false,"extraDevices":["/dev/unibloc-data"],
       "files":[{"source":"/run/unibloc/files/0/app.conf","target":"/etc/app.conf","mode":420}],
       "network":{"mode":"tap","ports":[{"port":8080,"protocol":"TCP"},{"port":53,"protocol":"UDP"}]}}
      """;

    @Test
    void readsEveryFieldOfTheContract() {
        BootSpec spec = reader.read(CONTRACT_EXAMPLE);

        assertThat(spec.vmm()).isEqualTo(Vmm.QEMU);
        assertThat(spec.machine()).isEqualTo(Machine.MICROVM);
        assertThat(spec.guest()).isEqualTo(GuestKind.LINUX);
        assertThat(spec.kernel()).isEqualTo("/boot/vmlinuz");
        assertThat(spec.kernelHostPath()).isNull();
        assertThat(spec.initrd()).isNull();
        assertThat(spec.cmdline()).isEqualTo("console=ttyS0");
        assertThat(spec.args()).containsExactly("--port", "8080");
        assertThat(spec.env()).containsExactly(Map.entry("K", "V"));
        assertThat(spec.vcpus()).isEqualTo(1);
        assertThat(spec.memoryMiB()).isEqualTo(256);
        assertThat(spec.rootDevice()).isEqualTo("/dev/unibloc-root");
        assertThat(spec.readOnly()).isFalse();
        assertThat(spec.extraDevices()).containsExactly("/dev/unibloc-data");
        assertThat(spec.files())
                .containsExactly(new FileProjection("/run/unibloc/files/0/app.conf", "/etc/app.conf", 420));
        assertThat(spec.files().get(0).effectiveMode()).isEqualTo(0644);
        assertThat(spec.network())
                .isEqualTo(new NetworkSpec(
                        NetworkMode.TAP, List.of(new GuestPort(8080, "TCP"), new GuestPort(53, "UDP"))));
        assertThat(spec.resolve()).isEqualTo(spec);
    }

    @Test
    void missingFieldsStayUnsetUntilResolvedToTheDefaults() {
        BootSpec spec = reader.read("{\"kernel\":\"/boot/vmlinuz\"}");

        assertThat(spec.vmm()).isNull();
        assertThat(spec.args()).isEmpty();
        BootSpec resolved = spec.resolve();
        assertThat(resolved.vmm()).isEqualTo(Vmm.QEMU);
        assertThat(resolved.machine()).isEqualTo(Machine.MICROVM);
        assertThat(resolved.guest()).isEqualTo(GuestKind.LINUX);
        assertThat(resolved.vcpus()).isEqualTo(1);
        assertThat(resolved.memoryMiB()).isEqualTo(256);
        assertThat(resolved.cmdline()).isEqualTo("console=ttyS0");
        assertThat(resolved.rootDevice()).isEqualTo("/dev/unibloc-root");
        assertThat(resolved.readOnly()).isFalse();
    }

    @Test
    void envKeepsItsOrder() {
        BootSpec spec = reader.read("{\"env\":{\"Z\":\"1\",\"A\":\"2\",\"M\":\"3\"}}");

        assertThat(spec.env().keySet()).containsExactly("Z", "A", "M");
    }

    @Test
    void writtenSpecsReadBackEqual() {
        BootSpec spec = reader.read(CONTRACT_EXAMPLE);

        String json = reader.write(spec);

        assertThat(reader.read(json)).isEqualTo(spec);
        assertThat(json)
                .contains("\"vmm\":\"qemu\"")
                .contains("\"memoryMiB\":256")
                .doesNotContain("null");
    }

    @Test
    void unsetFieldsAreLeftOutWhenWritten() {
        assertThat(reader.write(BootSpec.empty())).isEqualTo("{}");
        assertThat(reader.write(BootSpec.builder().readOnly(true).build())).isEqualTo("{\"readOnly\":true}");
        assertThat(reader.read(reader.write(BootSpec.empty()))).isEqualTo(BootSpec.empty());
    }

    static Stream<Arguments> badInput() {
        return Stream.of(
                bad("misspelt field", "{\"memoryMib\":512}", "unknown field \"memoryMib\"", "memoryMiB"),
                bad(
                        "unknown vmm",
                        "{\"vmm\":\"xen\"}",
                        "field vmm",
                        "unknown vmm \"xen\"",
                        "qemu, firecracker, cloud-hypervisor"),
                bad("unknown machine", "{\"machine\":\"virt\"}", "unknown machine \"virt\"", "microvm, pc, q35"),
                bad(
                        "unknown guest",
                        "{\"guest\":\"osv\"}",
                        "unknown guest \"osv\"",
                        "linux, unikraft, solo5, multiboot"),
                bad("text for a number", "{\"vcpus\":\"two\"}", "field vcpus", "\"two\"", "whole number"),
                bad("fraction for a number", "{\"memoryMiB\":256.5}", "field memoryMiB"),
                bad("string for a list", "{\"args\":\"-v\"}", "field args"),
                bad("object for a string", "{\"kernel\":{}}", "field kernel"),
                bad(
                        "unknown field inside files", "{\"files\":[{\"src\":\"/a\",\"target\":\"/b\"}]}",
                        "unknown field \"src\"", "files[0]"),
                bad("not JSON", "{vmm: qemu", "not valid JSON"),
                bad("JSON null", "null", "JSON null"),
                bad("blank", "  ", "empty"),
                bad("null in a list", "{\"args\":[\"a\",null]}", "args must not contain null"));
    }

    private static Arguments bad(String name, String json, String... expected) {
        return Arguments.of(Named.of(name, json), List.of(expected));
    }

    @ParameterizedTest
    @MethodSource("badInput")
    void badInputIsRejectedNamingTheField(String json, List<String> expected) {
        assertThatThrownBy(() -> reader.read(json))
                .isInstanceOf(InvalidBootSpecException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains(expected));
    }

    @Test
    void aFullSpecIsWrittenCompactInTheRecordsFieldOrder() {
        BootSpec spec =
                reader.read(CONTRACT_EXAMPLE).toBuilder().bootTimeoutSeconds(0).build();

        assertThat(reader.write(spec))
                .isEqualTo("{\"vmm\":\"qemu\",\"machine\":\"microvm\",\"guest\":\"linux\",\"kernel\":\"/boot/vmlinuz\","
                        + "\"cmdline\":\"console=ttyS0\",\"args\":[\"--port\",\"8080\"],\"env\":{\"K\":\"V\"},\"vcpus\":1,"
                        + "\"memoryMiB\":256,\"rootDevice\":\"/dev/unibloc-root\",\"readOnly\":false,"
                        + "\"extraDevices\":[\"/dev/unibloc-data\"],"
                        + "\"files\":[{\"source\":\"/run/unibloc/files/0/app.conf\",\"target\":\"/etc/app.conf\",\"mode\":420}],"
                        + "\"bootTimeoutSeconds\":0,"
                        + "\"network\":{\"mode\":\"tap\",\"ports\":[{\"port\":8080,\"protocol\":\"TCP\"},"
                        + "{\"port\":53,\"protocol\":\"UDP\"}]}}");
    }

    @Test
    void emptyStringsAndCollectionsAreLeftOutButNullFileFieldsAreWritten() {
        BootSpec spec = BootSpec.builder()
                .cmdline("")
                .kernel("")
                .args(List.of(""))
                .putEnv("EMPTY", "")
                .addFile(new FileProjection("/a", null, null))
                .network(new NetworkSpec(null, List.of()))
                .build();

        assertThat(reader.write(spec))
                .isEqualTo("{\"args\":[\"\"],\"env\":{\"EMPTY\":\"\"},"
                        + "\"files\":[{\"source\":\"/a\",\"target\":null,\"mode\":null}],\"network\":{}}");
    }

    @Test
    void stringsAreEscapedAndReadBack() {
        BootSpec spec = BootSpec.builder()
                .cmdline("quote\" backslash\\ tab\t newline\n control\u0001 é €")
                .build();

        String json = reader.write(spec);

        assertThat(json).isEqualTo("{\"cmdline\":\"quote\\\" backslash\\\\ tab\\t newline\\n control\\u0001 é €\"}");
        assertThat(reader.read(json)).isEqualTo(spec);
    }

    @Test
    void theGuestsNetworkConfigIsReadAndWrittenByItsWireName() {
        String json = "{\"network\":{\"mode\":\"passt\",\"ports\":[{\"port\":80,\"protocol\":\"TCP\"}],"
                + "\"guestConfig\":\"dhcp\"}}";

        BootSpec spec = reader.read(json);

        assertThat(spec.network())
                .isEqualTo(new NetworkSpec(NetworkMode.PASST, List.of(new GuestPort(80, "TCP")), GuestNetConfig.DHCP));
        assertThat(reader.write(spec)).isEqualTo(json);
        assertThatThrownBy(() -> reader.read("{\"network\":{\"guestConfig\":\"static\"}}"))
                .isInstanceOf(InvalidBootSpecException.class)
                .hasMessageContaining("field network.guestConfig: unknown guest network config \"static\"")
                .hasMessageContaining("cmdline, dhcp, none");
    }

    /** Every component of the spec's records is a JSON field the reader knows, and no other name is. */
    @Test
    void theReaderKnowsEveryRecordComponentAsAField() {
        assertThat(BootSpecParser.BOOT_SPEC_FIELDS).containsExactlyElementsOf(components(BootSpec.class));
        assertThat(BootSpecParser.FILE_FIELDS).containsExactlyElementsOf(components(FileProjection.class));
        assertThat(BootSpecParser.NETWORK_FIELDS).containsExactlyElementsOf(components(NetworkSpec.class));
        assertThat(BootSpecParser.PORT_FIELDS).containsExactlyElementsOf(components(GuestPort.class));
    }

    private static List<String> components(Class<? extends Record> type) {
        return Arrays.stream(type.getRecordComponents())
                .map(RecordComponent::getName)
                .toList();
    }

    static Stream<Arguments> stricterThanDataBinding() {
        return Stream.of(
                bad("a field twice", "{\"vmm\":\"qemu\",\"vmm\":\"firecracker\"}", "field vmm is given twice"),
                bad("an env key twice", "{\"env\":{\"A\":\"1\",\"A\":\"2\"}}", "field env.A is given twice"),
                bad(
                        "a port field twice",
                        "{\"network\":{\"ports\":[{\"port\":80,\"port\":81}]}}",
                        "field network.ports[0].port is given twice"),
                bad(
                        "a file field twice",
                        "{\"files\":[{\"mode\":1,\"mode\":2}]}",
                        "field files[0].mode is given twice"),
                bad(
                        "a second object",
                        "{\"vmm\":\"qemu\"} {}",
                        "unexpected object after the boot spec's closing brace"),
                bad("a trailing word", "{\"vmm\":\"qemu\"} trailing", "not valid JSON", "trailing"),
                bad(
                        "an int beyond 32 bits",
                        "{\"vcpus\":2147483648}",
                        "field vcpus: cannot read 2147483648 as a whole number"),
                bad(
                        "a huge int",
                        "{\"files\":[{\"mode\":99999999999999999999}]}",
                        "field files[0].mode: cannot read 99999999999999999999 as a whole number"),
                bad("a null port", "{\"network\":{\"ports\":[null]}}", "network.ports must not contain null entries"));
    }

    @ParameterizedTest
    @MethodSource("stricterThanDataBinding")
    void whatDataBindingLetThroughOrWordedBadlyIsRefusedNamingTheField(String json, List<String> expected) {
        assertThatThrownBy(() -> reader.read(json))
                .isInstanceOf(InvalidBootSpecException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains(expected));
    }

    @Test
    void scalarsAreCoercedAsDataBindingDid() {
        BootSpec spec = reader.read(
                "{\"vcpus\":\" 2 \",\"memoryMiB\":\"+128\",\"readOnly\":\"TRUE\",\"kernel\":7,\"args\":[1.5,true],"
                        + "\"env\":{\"N\":3},\"bootTimeoutSeconds\":\"\",\"files\":[{\"mode\":\"420\"}],"
                        + "\"network\":{\"ports\":[{\"port\":\"8080\"}]}}");

        assertThat(spec.vcpus()).isEqualTo(2);
        assertThat(spec.memoryMiB()).isEqualTo(128);
        assertThat(spec.readOnly()).isTrue();
        assertThat(spec.kernel()).isEqualTo("7");
        assertThat(spec.args()).containsExactly("1.5", "true");
        assertThat(spec.env()).containsExactly(Map.entry("N", "3"));
        assertThat(spec.bootTimeoutSeconds()).isNull();
        assertThat(spec.files()).containsExactly(new FileProjection(null, null, 420));
        assertThat(spec.network().ports()).containsExactly(new GuestPort(8080, "TCP"));
        assertThat(reader.read("{\"readOnly\":0}").readOnly()).isFalse();
    }

    @Test
    void readsTheEnvironmentVariable() {
        BootSpec spec = reader.readEnvironment(Map.of(BootSpecReader.ENV_VAR, "{\"vcpus\":2}"));

        assertThat(spec.vcpus()).isEqualTo(2);
    }

    @Test
    void aMissingEnvironmentVariableSaysWhereTheSpecShouldBe() {
        assertThatThrownBy(() -> reader.readEnvironment(Map.of()))
                .isInstanceOf(InvalidBootSpecException.class)
                .hasMessageContaining("UNIBLOC_BOOT_SPEC is not set")
                .hasMessageContaining("--spec");
    }

    @Test
    void readsAFileAndNamesItInErrors(@TempDir Path dir) throws IOException {
        Path good = Files.writeString(dir.resolve("good.json"), "{\"memoryMiB\":128}");
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"memoryMiB\":true}");

        assertThat(reader.read(good).memoryMiB()).isEqualTo(128);
        assertThatThrownBy(() -> reader.read(bad))
                .isInstanceOf(InvalidBootSpecException.class)
                .hasMessageContaining("memoryMiB")
                .hasMessageContaining(bad.toString());
        assertThatThrownBy(() -> reader.read(dir.resolve("missing.json")))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("missing.json");
    }
}
