package io.unibloc.csi.common;

import picocli.CommandLine;

/** Runs a component's picocli command: a failure to start is one line on stderr naming the cause, exit code 1. */
public final class Cli {
    private Cli() {}

    public static int run(Object command, String[] args) {
        LogDefaults.apply();
        CommandLine cli = new CommandLine(command);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            StringBuilder message =
                    new StringBuilder(cmd.getCommandName()).append(": ").append(e.getMessage());
            for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
                message.append(": ").append(cause.getMessage());
            }
            cmd.getErr().println(message);
            return 1;
        });
        return cli.execute(args);
    }
}
