package io.unibloc.sandbox.launch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.unibloc.sandbox.tool.ProcessRunner;
import io.unibloc.sandbox.tool.ToolException;
import io.unibloc.sandbox.tool.ToolResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a sparse file holds data, as the kernel's {@code SEEK_DATA}/{@code SEEK_HOLE} report it, read through
 * {@code qemu-img map} (qemu-img is on every ephemeral start path already; Java has no {@code lseek} of its own).
 */
final class DataExtents {

    private static final JsonFactory JSON = new JsonFactory();

    private final ProcessRunner runner;
    private final String qemuImg;

    DataExtents(ProcessRunner runner, String qemuImg) {
        this.runner = runner;
        this.qemuImg = qemuImg;
    }

    /**
     * The data extents of {@code file}, ascending.
     *
     * @throws LaunchException naming the file when qemu-img is missing, fails or prints what is not its map
     */
    List<ByteRange> of(Path file) throws LaunchException {
        ToolResult result;
        try {
            result = runner.run(List.of(qemuImg, "map", "--output=json", "-f", "raw", file.toString()));
        } catch (ToolException e) {
            throw new LaunchException("cannot map the data extents of " + file + ": " + e.getMessage()
                    + " (the sandbox image needs qemu-img, Debian package qemu-utils)");
        }
        if (!result.ok()) {
            throw new LaunchException("cannot map the data extents of " + file + ": " + result.describe());
        }
        try {
            return parse(result.stdout());
        } catch (IOException | IllegalArgumentException e) {
            throw new LaunchException(
                    "cannot read qemu-img's map of " + file + ": " + e.getMessage() + " in " + result.describe());
        }
    }

    /** The entries of a {@code qemu-img map --output=json} whose {@code data} is true, merged where they touch. */
    static List<ByteRange> parse(String json) throws IOException {
        List<ByteRange> extents = new ArrayList<>();
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new IOException("expected a JSON array");
            }
            while (parser.nextToken() == JsonToken.START_OBJECT) {
                long start = -1;
                long length = -1;
                boolean data = false;
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    JsonToken value = parser.nextToken();
                    switch (name) {
                        case "start" -> start = parser.getLongValue();
                        case "length" -> length = parser.getLongValue();
                        case "data" -> data = value == JsonToken.VALUE_TRUE;
                        default -> parser.skipChildren();
                    }
                }
                if (start < 0 || length < 0) {
                    throw new IOException("an entry without start or length");
                }
                if (data && length > 0) {
                    ByteRange.appendMerged(extents, new ByteRange(start, length));
                }
            }
            if (parser.currentToken() != JsonToken.END_ARRAY) {
                throw new IOException("expected the end of the array, found " + parser.currentToken());
            }
        }
        return extents;
    }
}
