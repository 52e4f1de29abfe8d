package io.unibloc.sandbox.spec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads and writes the boot spec JSON. Unknown fields are rejected (a misspelt {@code memoryMib} must not
 * silently become the default), as are wrong types, unknown enum names, a field given twice and anything after
 * the spec's object; each error names the field. The result is not resolved: call {@link BootSpec#resolve()} for
 * defaults and validation. Thread-safe.
 *
 * <p>Both directions run on Jackson's streaming parser and generator ({@link BootSpecParser}, {@link
 * BootSpecWriter}), not on data binding: the sandbox reads its spec on every guest's start path, where data
 * binding's reflection and class loading cost a third of a second.
 */
public final class BootSpecReader {

    /** The environment variable the operator puts the spec into. */
    public static final String ENV_VAR = "UNIBLOC_BOOT_SPEC";

    private final JsonFactory factory = new JsonFactory();

    /** @throws InvalidBootSpecException when the JSON is malformed or does not fit the spec */
    public BootSpec read(String json) {
        if (json == null || json.isBlank()) {
            throw new InvalidBootSpecException("the boot spec is empty");
        }
        try (JsonParser parser = factory.createParser(json)) {
            return new BootSpecParser(parser).read();
        } catch (JsonProcessingException e) {
            throw new InvalidBootSpecException("not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading a string cannot fail", e);
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
        StringWriter out = new StringWriter();
        try (JsonGenerator generator = factory.createGenerator(out)) {
            new BootSpecWriter(generator).write(spec);
        } catch (IOException e) {
            throw new IllegalStateException("a boot spec always serialises", e);
        }
        return out.toString();
    }
}
