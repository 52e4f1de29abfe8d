package io.unibloc.sandbox.tool;

import java.util.List;

/**
 * What one finished tool run produced.
 *
 * @param command the argv that ran
 * @param exitCode the process exit status
 * @param stdout everything written to standard output, decoded as UTF-8
 * @param stderr everything written to standard error, decoded as UTF-8
 */
public record ToolResult(List<String> command, int exitCode, String stdout, String stderr) {

    public ToolResult {
        command = List.copyOf(command);
    }

    public boolean ok() {
        return exitCode == 0;
    }

    /** A one-line description for error messages: the command, its status and the first lines it complained with. */
    public String describe() {
        String said = stderr.isBlank() ? stdout : stderr;
        said = said.strip().replace('\n', ' ');
        if (said.length() > 400) {
            said = said.substring(0, 400) + "...";
        }
        return "`" + String.join(" ", command) + "` exited " + exitCode + (said.isEmpty() ? "" : ": " + said);
    }
}
