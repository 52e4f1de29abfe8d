package io.unibloc.sandbox.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads and writes the boot spec JSON. Unknown fields are rejected (a misspelt {@code memoryMib} must not
 * silently become the default), as are wrong types and unknown enum names; each error names the field.
 * The result is not resolved: call {@link BootSpec#resolve()} for defaults and validation. Thread-safe.
 */
public final class BootSpecReader {

    /** The environment variable the operator puts the spec into. */
    public static final String ENV_VAR = "UNIBLOC_BOOT_SPEC";

    private final ObjectMapper mapper = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

    /** @throws InvalidBootSpecException when the JSON is malformed or does not fit the spec */
    public BootSpec read(String json) {
        if (json == null || json.isBlank()) {
            throw new InvalidBootSpecException("the boot spec is empty");
        }
        try {
            BootSpec spec = mapper.readValue(json, BootSpec.class);
            if (spec == null) {
                throw new InvalidBootSpecException("the boot spec is JSON null; expected an object");
            }
            return spec;
        } catch (JsonProcessingException e) {
            throw translate(e);
        }
    }

    /**
     * Reads the spec from a file ({@code --spec FILE}).
     *
     * @throws IOException when the file cannot be read
     * @throws InvalidBootSpecException when its content is not a valid spec
     */
    public BootSpec read(Path file) throws IOException {
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "boot spec file does not exist");
        }
        try {
            return read(json);
        } catch (InvalidBootSpecException e) {
            throw new InvalidBootSpecException(String.join("; ", e.problems()) + " (in " + file + ")", e);
        }
    }

    /**
     * Reads the spec from {@value #ENV_VAR} in {@code environment}.
     *
     * @throws InvalidBootSpecException when the variable is missing or invalid
     */
    public BootSpec readEnvironment(Map<String, String> environment) {
        String json = environment.get(ENV_VAR);
        if (json == null) {
            throw new InvalidBootSpecException(ENV_VAR + " is not set and no --spec FILE was given");
        }
        return read(json);
    }

    /** The spec as compact JSON, leaving out unset fields. */
    public String write(BootSpec spec) {
        try {
            return mapper.writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a boot spec always serialises", e);
        }
    }

    private static InvalidBootSpecException translate(JsonProcessingException e) {
        // Our own validation errors (unknown enum names) arrive wrapped by Jackson.
        Throwable cause = e.getCause();
        while (cause != null) {
            if (cause instanceof InvalidBootSpecException invalid) {
                return new InvalidBootSpecException(at(e) + invalid.problems().get(0), e);
            }
            cause = cause.getCause();
        }
        if (e instanceof UnrecognizedPropertyException unknown) {
            String known = unknown.getKnownPropertyIds().stream()
                    .map(String::valueOf)
                    .sorted()
                    .collect(Collectors.joining(", "));
            return new InvalidBootSpecException(
                    "unknown field \"" + unknown.getPropertyName() + "\"" + where(unknown, 1) + "; known fields: "
                            + known,
                    e);
        }
        if (e instanceof InvalidFormatException format) {
            return new InvalidBootSpecException(
                    at(format) + "cannot read " + quote(format.getValue()) + " as " + typeName(format.getTargetType()),
                    e);
        }
        if (e instanceof ValueInstantiationException || e instanceof MismatchedInputException) {
            JsonMappingException mapping = (JsonMappingException) e;
            String type = e instanceof MismatchedInputException mismatch ? typeName(mismatch.getTargetType()) : "value";
            return new InvalidBootSpecException(at(mapping) + "expected " + type + " here", e);
        }
        return new InvalidBootSpecException("not valid JSON: " + e.getOriginalMessage(), e);
    }

    private static String at(JsonProcessingException e) {
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            return "field " + path(mapping, 0) + ": ";
        }
        return "";
    }

    private static String where(JsonMappingException e, int dropLast) {
        String path = path(e, dropLast);
        return path.isEmpty() ? "" : " in " + path;
    }

    private static String path(JsonMappingException e, int dropLast) {
        StringBuilder out = new StringBuilder();
        var refs = e.getPath();
        for (int i = 0; i < refs.size() - dropLast; i++) {
            JsonMappingException.Reference ref = refs.get(i);
            if (ref.getFieldName() != null) {
                out.append(out.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        return out.toString();
    }

    private static String quote(Object value) {
        return value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
    }

    private static String typeName(Class<?> type) {
        if (type == null) {
            return "a value";
        }
        if (type == Integer.class || type == int.class) {
            return "a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (java.util.List.class.isAssignableFrom(type)) {
            return "a JSON array";
        }
        if (java.util.Map.class.isAssignableFrom(type)) {
            return "a JSON object of strings";
        }
        return "a " + type.getSimpleName();
    }
}
