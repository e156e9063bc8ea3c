package io.github.trit4j.tools;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The {@code trit4j} command line. This top command only dispatches: every subcommand is
 * registered here, in the {@code subcommands} list of the {@link Command} annotation, and
 * nowhere else.
 *
 * <p>Exit codes (picocli's): 0 success, 1 a check failed or the command failed,
 * 2 bad usage. Every user error is one line on stderr, never a stack trace: a bad option
 * ({@link #usageError}), a bad file or value found while running ({@link UserError}, a missing
 * or unreadable path); an I/O failure is one line too, with exit code 1. Only a bug in the
 * tools prints a stack trace. The tools run on the class path with {@code --add-modules jdk.incubator.vector}
 * (the {@code trit4j} launcher at the repository root does both); without the module only
 * the SCALAR kernels exist.
 */
@Command(name = "trit4j",
        mixinStandardHelpOptions = true,
        versionProvider = Trit4jVersion.class,
        synopsisSubcommandLabel = "COMMAND",
        description = "Tools for trit4j, SIMD kernels for ternary neural networks.",
        subcommands = {
                InfoCommand.class,
                VerifyCommand.class,
                BenchCommand.class,
                GemmCommand.class,
                ConvCommand.class,
                ReportCommand.class,
                EvalCommand.class,
                AotTrainCommand.class,
                SteadyModesCommand.class,
                TimeToPeakCommand.class,
                CommandLine.HelpCommand.class,
        },
        footer = {"",
                "Exit codes: 0 success, 1 failure (e.g. a kernel mismatch), 2 bad usage.",
                "'trit4j help COMMAND' shows a command's options."})
public final class Trit4jCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    /** Creates the command; use {@link #commandLine()} to run it. */
    public Trit4jCommand() {
    }

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Show the kernels' INFO log on stderr (e.g. the dispatch decision).")
    void setVerbose(boolean verbose) {
        LibraryLog.setVerbose(verbose);
    }

    /** Runs when no subcommand is given: a usage error, answered with the usage. */
    @Override
    public Integer call() {
        CommandLine cmd = spec.commandLine();
        cmd.getErr().println(cmd.getColorScheme().errorText("Missing required subcommand"));
        cmd.usage(cmd.getErr(), cmd.getColorScheme());
        return spec.exitCodeOnInvalidInput();
    }

    /**
     * The configured command line: the top command and its subcommands, enum values in any
     * case, usage errors and user errors answered in one line rather than with the whole help
     * or a stack trace.
     */
    public static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new Trit4jCommand());
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setParameterExceptionHandler(Trit4jCommand::usageError);
        cmd.setExecutionExceptionHandler(Trit4jCommand::executionError);
        return cmd;
    }

    /**
     * One line: {@code trit4j <command>: <error>}, any "did you mean" suggestions, and where the
     * full help is. Exit code 2.
     */
    private static int usageError(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        String name = cmd.getCommandSpec().qualifiedName();
        List<String> suggestions = e instanceof UnmatchedArgumentException u ? u.getSuggestions() : List.of();
        err.println(cmd.getColorScheme().errorText(name + ": " + oneLine(e.getMessage())
                + (suggestions.isEmpty() ? "" : " (did you mean " + String.join(" or ", suggestions) + "?)")
                + "; try '" + name + " --help'"));
        err.flush();
        return cmd.getExitCodeExceptionMapper() != null
                ? cmd.getExitCodeExceptionMapper().getExitCode(e)
                : cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    /**
     * A command's exception: a {@link UserError} or a path the user named that is missing, not a
     * directory or not readable is one line and exit code 2; any other I/O failure one line and
     * exit code 1; anything else is a bug in the tools, rethrown (stack trace).
     */
    private static int executionError(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) throws Exception {
        Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
        int code;
        String message;
        if (cause instanceof UserError) {
            code = cmd.getCommandSpec().exitCodeOnInvalidInput();
            message = cause.getMessage();
        } else if (cause instanceof NoSuchFileException f) {
            code = cmd.getCommandSpec().exitCodeOnInvalidInput();
            message = "no such file or directory: " + f.getFile();
        } else if (cause instanceof NotDirectoryException f) {
            code = cmd.getCommandSpec().exitCodeOnInvalidInput();
            message = "not a directory: " + f.getFile();
        } else if (cause instanceof AccessDeniedException f) {
            code = cmd.getCommandSpec().exitCodeOnInvalidInput();
            message = "permission denied: " + f.getFile();
        } else if (cause instanceof FileSystemException f) {
            code = cmd.getCommandSpec().exitCodeOnExecutionException();
            message = f.getFile() + ": " + (f.getReason() != null ? f.getReason() : f.getClass().getSimpleName());
        } else if (cause instanceof IOException io) {
            code = cmd.getCommandSpec().exitCodeOnExecutionException();
            message = io.getMessage() != null ? io.getMessage() : io.getClass().getSimpleName();
        } else {
            throw e;
        }
        PrintWriter err = cmd.getErr();
        err.println(cmd.getColorScheme().errorText(cmd.getCommandSpec().qualifiedName() + ": " + oneLine(message)));
        err.flush();
        return code;
    }

    /** A message on one line: line breaks become "; ". */
    private static String oneLine(String message) {
        return String.valueOf(message).strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    /**
     * Entry point of the tools jar.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        LibraryLog.setVerbose(false);
        System.exit(commandLine().execute(args));
    }
}
