package io.unibloc.sandbox.launch;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A VMM invocation: the argv, and files that must be written before it runs (Firecracker's config).
 *
 * @param argv program and arguments, passed without a shell
 * @param files file path to content, written before exec
 */
public record CommandLine(List<String> argv, Map<Path, String> files) {

    public CommandLine {
        argv = List.copyOf(argv);
        files = Map.copyOf(files);
    }

    /** The argv as one line a person can read (arguments with spaces quoted). */
    public String render() {
        StringBuilder out = new StringBuilder();
        for (String arg : argv) {
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append(arg.isEmpty() || arg.matches(".*[\\s\"'$].*") ? "'" + arg.replace("'", "'\\''") + "'" : arg);
        }
        return out.toString();
    }
}
