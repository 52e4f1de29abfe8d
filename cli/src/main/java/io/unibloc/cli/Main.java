package io.unibloc.cli;

import io.unibloc.cli.bench.BenchCommand;
import io.unibloc.cli.image.ImageCommand;
import io.unibloc.cli.run.RunCommand;
import io.unibloc.cli.store.DfCommand;
import io.unibloc.cli.store.GcCommand;
import io.unibloc.cli.volume.VolumeCommand;
import io.unibloc.registry.RegistryException;
import io.unibloc.types.StoreException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code unibloc}: the root command; its subcommands are listed in the annotation below. */
@Command(
        name = "unibloc",
        mixinStandardHelpOptions = true,
        version = "unibloc 0.1.0",
        description = "Copy-on-write block images from OCI images, and volumes cloned from them in O(1).",
        subcommands = {
            RunCommand.class,
            ImageCommand.class,
            VolumeCommand.class,
            DfCommand.class,
            GcCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {})
public final class Main extends GlobalOptions implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (no System.exit, for tests). */
    public static int execute(String... args) {
        configureLogging(args);
        return commandLine().execute(args);
    }

    /** As {@link #execute(String...)} with output and errors captured. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        configureLogging(args);
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    /** The configured command tree, with exit codes and error handling. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(Main::handleError);
        cl.setExitCodeExceptionMapper(t -> t instanceof StoreException se
                ? ExitCodes.of(se.kind())
                : t instanceof RegistryException re
                        ? ExitCodes.of(re.errorKind())
                        : t instanceof CommandLine.ParameterException ? ExitCodes.USAGE : ExitCodes.OTHER);
        applyExitCodeHelp(cl);
        return cl;
    }

    private static void applyExitCodeHelp(CommandLine cl) {
        java.util.Map<String, String> codes = new java.util.LinkedHashMap<>();
        for (String line : ExitCodes.HELP) {
            codes.put(line.substring(0, 1), line.substring(1).trim());
        }
        cl.getCommandSpec()
                .usageMessage()
                .exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(codes);
        for (CommandLine sub : cl.getSubcommands().values()) {
            applyExitCodeHelp(sub);
        }
    }

    private static int handleError(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        if (e instanceof StoreException se) {
            err.println("unibloc: " + se.getMessage());
            return ExitCodes.of(se.kind());
        }
        if (e instanceof RegistryException re) { // a reference, platform or docker config the user typed
            err.println("unibloc: " + re.getMessage());
            return ExitCodes.of(re.errorKind());
        }
        if (e instanceof CommandLine.ParameterException pe) {
            err.println("unibloc: " + pe.getMessage());
            pe.getCommandLine().usage(err);
            return ExitCodes.USAGE;
        }
        if (e instanceof IllegalArgumentException) {
            err.println("unibloc: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        err.println("unibloc: unexpected error: " + e);
        e.printStackTrace(err);
        return ExitCodes.OTHER;
    }

    private static void configureLogging(String[] args) {
        boolean verbose = java.util.Arrays.stream(args).anyMatch(a -> a.equals("-v") || a.equals("--verbose"));
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
        }
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    }
}
