package io.github.trit4j.tools;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * The {@code trit4j} command line. This top command only dispatches: every subcommand is
 * registered here, in the {@code subcommands} list of the {@link Command} annotation, and
 * nowhere else.
 *
 * <p>Exit codes (picocli's): 0 success, 1 a check failed or the command failed,
 * 2 bad usage. The tools run on the class path with {@code --add-modules jdk.incubator.vector}
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
     * case, and usage errors answered in three lines rather than with the whole help.
     */
    public static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new Trit4jCommand());
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setParameterExceptionHandler(Trit4jCommand::usageError);
        return cmd;
    }

    /** The error, any "did you mean" suggestions, the synopsis, and where the full help is. */
    private static int usageError(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(cmd.getColorScheme().errorText(e.getMessage()));
        UnmatchedArgumentException.printSuggestions(e, err);
        err.print(cmd.getHelp().fullSynopsis());
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return cmd.getExitCodeExceptionMapper() != null
                ? cmd.getExitCodeExceptionMapper().getExitCode(e)
                : cmd.getCommandSpec().exitCodeOnInvalidInput();
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
