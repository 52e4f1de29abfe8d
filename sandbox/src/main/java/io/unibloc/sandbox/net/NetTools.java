package io.unibloc.sandbox.net;

import io.unibloc.sandbox.tool.ProcessRunner;
import io.unibloc.sandbox.tool.ToolException;
import io.unibloc.sandbox.tool.ToolResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs iproute2's {@code ip} and {@code tc} and turns their failures into {@link NetworkSetupException}s a person can
 * act on: a missing privilege says which capability and what to switch to instead.
 */
final class NetTools {

    static final String NO_NET_ADMIN_FIX = "add the NET_ADMIN capability to the sandbox container (it acts on the"
            + " Pod's own network namespace only); or set spec.network.mode: passt";

    private final ProcessRunner runner;

    NetTools(ProcessRunner runner) {
        this.runner = runner;
    }

    /** Runs {@code ip ARGS}; a non-zero exit is returned, not thrown. */
    ToolResult ip(String... args) throws NetworkSetupException {
        return run("ip", args);
    }

    /** Runs {@code tc ARGS}; a non-zero exit is returned, not thrown. */
    ToolResult tc(String... args) throws NetworkSetupException {
        return run("tc", args);
    }

    /**
     * Runs a command that changes the namespace and insists on success.
     *
     * @param what what the command does, for the message ("creating tap0")
     */
    void change(String what, ToolResult result) throws NetworkSetupException {
        if (result.ok()) {
            return;
        }
        if (result.stderr().contains("Operation not permitted")) {
            throw new NetworkSetupException("no CAP_NET_ADMIN in the Pod's network namespace (" + what
                    + ": Operation not permitted): " + NO_NET_ADMIN_FIX);
        }
        throw new NetworkSetupException(what + " failed: " + result.describe());
    }

    private ToolResult run(String tool, String... args) throws NetworkSetupException {
        List<String> argv = new ArrayList<>();
        argv.add(tool);
        argv.addAll(List.of(args));
        try {
            return runner.run(argv);
        } catch (ToolException e) {
            throw new NetworkSetupException(
                    "cannot run " + tool + " (iproute2 is missing from the sandbox image?): " + e.getMessage(), e);
        }
    }
}
