package io.unibloc.sandbox.spec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import io.unibloc.types.NetworkMode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Turns the tokens of one boot spec document into a {@link BootSpec}, field by field, on Jackson's streaming
 * parser: no data binding, no reflection, so the launcher reads its spec in a few milliseconds and with a few
 * dozen classes before it starts the VMM.
 *
 * <p>It accepts exactly what the earlier data-binding reader accepted, scalar coercions included (a number or
 * {@code true} where a string is expected becomes its text, {@code "2"} where a whole number is expected becomes
 * 2, {@code ""} or {@code null} leave a field unset), and words its errors the same way: {@code field PATH:
 * PROBLEM}, with PATH such as {@code network.ports[0].port}. The first problem in document order wins. Stricter
 * than data binding in two ways: a field (or env key) given twice, and anything after the object, are refused.
 * One instance reads one document; not thread-safe.
 */
final class BootSpecParser {

    static final List<String> BOOT_SPEC_FIELDS = List.of(
            "vmm",
            "machine",
            "guest",
            "kernel",
            "kernelHostPath",
            "initrd",
            "initrdHostPath",
            "cmdline",
            "args",
            "env",
            "vcpus",
            "memoryMiB",
            "rootDevice",
            "readOnly",
            "extraDevices",
            "files",
            "bootTimeoutSeconds",
            "network");
    static final List<String> FILE_FIELDS = List.of("source", "target", "mode");
    static final List<String> NETWORK_FIELDS = List.of("mode", "ports", "guestConfig");
    static final List<String> PORT_FIELDS = List.of("port", "protocol");

    private final JsonParser parser;

    BootSpecParser(JsonParser parser) {
        this.parser = parser;
    }

    /**
     * Reads the document's only value as a boot spec.
     *
     * @throws InvalidBootSpecException naming the field when the document does not fit the spec
     * @throws IOException (Jackson's {@code JsonProcessingException}) when it is not JSON
     */
    BootSpec read() throws IOException {
        JsonToken first = parser.nextToken();
        if (first == JsonToken.VALUE_NULL) {
            throw new InvalidBootSpecException("the boot spec is JSON null; expected an object");
        }
        if (first != JsonToken.START_OBJECT) {
            throw new InvalidBootSpecException("expected a BootSpec here");
        }
        BootSpec spec = bootSpec();
        JsonToken after = parser.nextToken();
        if (after != null) {
            throw new InvalidBootSpecException(
                    "unexpected " + describe(after) + " after the boot spec's closing brace; one JSON object only");
        }
        return spec;
    }

    private BootSpec bootSpec() throws IOException {
        BootSpec.Builder spec = BootSpec.builder();
        Set<String> seen = new HashSet<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            once(seen, name, "");
            parser.nextToken();
            switch (name) {
                case "vmm" -> spec.vmm(wireName(name, "Vmm", BootSpec::vmm));
                case "machine" -> spec.machine(wireName(name, "Machine", BootSpec::machine));
                case "guest" -> spec.guest(wireName(name, "GuestKind", GuestKind::fromWireName));
                case "kernel" -> spec.kernel(string(name));
                case "kernelHostPath" -> spec.kernelHostPath(string(name));
                case "initrd" -> spec.initrd(string(name));
                case "initrdHostPath" -> spec.initrdHostPath(string(name));
                case "cmdline" -> spec.cmdline(string(name));
                case "args" -> unlessNull(strings(name), spec::args);
                case "env" -> unlessNull(stringMap(name), spec::env);
                case "vcpus" -> spec.vcpus(integer(name));
                case "memoryMiB" -> spec.memoryMiB(integer(name));
                case "rootDevice" -> spec.rootDevice(string(name));
                case "readOnly" -> spec.readOnly(bool(name));
                case "extraDevices" -> unlessNull(strings(name), spec::extraDevices);
                case "files" -> unlessNull(files(name), spec::files);
                case "bootTimeoutSeconds" -> spec.bootTimeoutSeconds(integer(name));
                case "network" -> spec.network(network(name));
                default -> throw unknownField(name, "", BOOT_SPEC_FIELDS);
            }
        }
        // The record's constructor refuses null entries in the lists and the map, naming the field.
        return spec.build();
    }

    /** A JSON {@code null} list or map leaves the field unset (empty); the builder takes none. */
    private static <T> void unlessNull(T value, Consumer<T> set) {
        if (value != null) {
            set.accept(value);
        }
    }

    private List<FileProjection> files(String at) throws IOException {
        if (parser.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            throw mismatch(at, "a JSON array");
        }
        List<FileProjection> files = new ArrayList<>();
        for (int i = 0; parser.nextToken() != JsonToken.END_ARRAY; i++) {
            String element = at + "[" + i + "]";
            JsonToken token = parser.currentToken();
            if (token == JsonToken.VALUE_NULL) {
                files.add(null);
            } else if (token != JsonToken.START_OBJECT) {
                throw mismatch(element, "a FileProjection");
            } else {
                files.add(file(element));
            }
        }
        return files;
    }

    private FileProjection file(String at) throws IOException {
        String source = null;
        String target = null;
        Integer mode = null;
        Set<String> seen = new HashSet<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            once(seen, name, at);
            parser.nextToken();
            switch (name) {
                case "source" -> source = string(at + ".source");
                case "target" -> target = string(at + ".target");
                case "mode" -> mode = integer(at + ".mode");
                default -> throw unknownField(name, at, FILE_FIELDS);
            }
        }
        return new FileProjection(source, target, mode);
    }

    private NetworkSpec network(String at) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token != JsonToken.START_OBJECT) {
            throw mismatch(at, "a NetworkSpec");
        }
        NetworkMode mode = null;
        List<GuestPort> ports = null;
        GuestNetConfig guestConfig = null;
        Set<String> seen = new HashSet<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            once(seen, name, at);
            parser.nextToken();
            switch (name) {
                case "mode" -> mode = wireName(at + ".mode", "NetworkMode", BootSpec::networkMode);
                case "ports" -> ports = ports(at + ".ports");
                case "guestConfig" ->
                    guestConfig = wireName(at + ".guestConfig", "GuestNetConfig", GuestNetConfig::fromWireName);
                default -> throw unknownField(name, at, NETWORK_FIELDS);
            }
        }
        return new NetworkSpec(mode, ports, guestConfig);
    }

    private List<GuestPort> ports(String at) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token != JsonToken.START_ARRAY) {
            throw mismatch(at, "a JSON array");
        }
        List<GuestPort> ports = new ArrayList<>();
        for (int i = 0; parser.nextToken() != JsonToken.END_ARRAY; i++) {
            String element = at + "[" + i + "]";
            if (parser.currentToken() == JsonToken.VALUE_NULL) {
                throw new InvalidBootSpecException(at + " must not contain null entries");
            }
            if (parser.currentToken() != JsonToken.START_OBJECT) {
                throw mismatch(element, "a GuestPort");
            }
            ports.add(port(element));
        }
        return ports;
    }

    private GuestPort port(String at) throws IOException {
        Integer port = null;
        String protocol = null;
        Set<String> seen = new HashSet<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            once(seen, name, at);
            parser.nextToken();
            switch (name) {
                case "port" -> port = integer(at + ".port");
                case "protocol" -> protocol = string(at + ".protocol");
                default -> throw unknownField(name, at, PORT_FIELDS);
            }
        }
        if (port == null) {
            throw mismatch(at + ".port", "a whole number");
        }
        try {
            return new GuestPort(port, protocol);
        } catch (InvalidBootSpecException e) {
            throw new InvalidBootSpecException(
                    "field " + at + ": " + e.problems().get(0), e);
        }
    }

    /** A string; other scalars become their JSON text, {@code null} stays null. */
    private String string(String at) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (!token.isScalarValue()) {
            throw mismatch(at, "a string");
        }
        return parser.getText();
    }

    /** A whole number from a JSON integer or a string holding one; blank strings and {@code null} leave it unset. */
    private Integer integer(String at) throws IOException {
        JsonToken token = parser.currentToken();
        switch (token) {
            case VALUE_NULL -> {
                return null;
            }
            case VALUE_NUMBER_INT -> {
                try {
                    return parser.getIntValue();
                } catch (InputCoercionException e) {
                    throw new InvalidBootSpecException(
                            "field " + at + ": cannot read " + parser.getText() + " as a whole number", e);
                }
            }
            case VALUE_NUMBER_FLOAT ->
                throw new InvalidBootSpecException(
                        "field " + at + ": cannot read " + parser.getDoubleValue() + " as a whole number");
            case VALUE_STRING -> {
                String text = parser.getText().strip();
                if (text.isEmpty()) {
                    return null;
                }
                try {
                    return Integer.parseInt(text);
                } catch (NumberFormatException e) {
                    throw new InvalidBootSpecException(
                            "field " + at + ": cannot read \"" + parser.getText() + "\" as a whole number", e);
                }
            }
            default -> throw mismatch(at, "a whole number");
        }
    }

    /** {@code true}/{@code false}, the strings {@code "true"}/{@code "false"}, or a JSON integer (0 is false). */
    private Boolean bool(String at) throws IOException {
        JsonToken token = parser.currentToken();
        switch (token) {
            case VALUE_NULL -> {
                return null;
            }
            case VALUE_TRUE -> {
                return true;
            }
            case VALUE_FALSE -> {
                return false;
            }
            case VALUE_NUMBER_INT -> {
                return parser.getNumberValue().longValue() != 0;
            }
            case VALUE_STRING -> {
                String text = parser.getText().strip();
                if (text.isEmpty()) {
                    return null;
                }
                if (text.equalsIgnoreCase("true")) {
                    return true;
                }
                if (text.equalsIgnoreCase("false")) {
                    return false;
                }
                throw new InvalidBootSpecException(
                        "field " + at + ": cannot read \"" + parser.getText() + "\" as true or false");
            }
            default -> throw mismatch(at, "true or false");
        }
    }

    /** An enum by its wire name; a scalar that is no wire name is refused listing the accepted names. */
    private <E> E wireName(String at, String type, Function<String, E> parse) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (!token.isScalarValue()) {
            throw mismatch(at, "a " + type);
        }
        try {
            return parse.apply(parser.getText());
        } catch (InvalidBootSpecException e) {
            throw new InvalidBootSpecException(
                    "field " + at + ": " + e.problems().get(0), e);
        }
    }

    /** An array of strings; its {@code null} entries are kept for the spec's constructor to refuse. */
    private List<String> strings(String at) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token != JsonToken.START_ARRAY) {
            throw mismatch(at, "a JSON array");
        }
        List<String> values = new ArrayList<>();
        for (int i = 0; parser.nextToken() != JsonToken.END_ARRAY; i++) {
            values.add(string(at + "[" + i + "]"));
        }
        return values;
    }

    /** An object of strings, in document order; a repeated key keeps its first place and its last value. */
    private Map<String, String> stringMap(String at) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token != JsonToken.START_OBJECT) {
            throw mismatch(at, "a JSON object of strings");
        }
        Map<String, String> values = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            once(seen, key, at);
            parser.nextToken();
            values.put(key, string(at + "." + key));
        }
        return values;
    }

    /** Refuses a field (or env key) given twice in one object: which of the two was meant cannot be known. */
    private static void once(Set<String> seen, String name, String at) {
        if (!seen.add(name)) {
            throw new InvalidBootSpecException("field " + (at.isEmpty() ? "" : at + ".") + name + " is given twice");
        }
    }

    private static InvalidBootSpecException mismatch(String at, String expected) {
        return new InvalidBootSpecException("field " + at + ": expected " + expected + " here");
    }

    private static InvalidBootSpecException unknownField(String name, String at, List<String> known) {
        return new InvalidBootSpecException("unknown field \"" + name + "\"" + (at.isEmpty() ? "" : " in " + at)
                + "; known fields: " + String.join(", ", known.stream().sorted().toList()));
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_OBJECT -> "object";
            case START_ARRAY -> "array";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            default -> "value";
        };
    }
}
