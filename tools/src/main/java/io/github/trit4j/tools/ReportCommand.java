package io.github.trit4j.tools;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code trit4j report}: merges {@code results.csv} files of several machines (or runs) into
 * one cross-machine table, CSV, HTML report and charts. Each machine's speedups are over its own
 * fp32 OpenBLAS. A missing file, a directory or a file that is not a study CSV is a user error: one line, exit
 * code 2.
 */
@Command(name = "report",
        mixinStandardHelpOptions = true,
        versionProvider = Trit4jVersion.class,
        description = "Merge results.csv files from several machines into one table, CSV, HTML report and charts.")
public final class ReportCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "CSV", description = "results.csv files written by trit4j bench.")
    List<Path> files;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "trit4j-report",
            description = "Folder for the merged results.csv, report.html and charts (default: ${DEFAULT-VALUE}).")
    Path out;

    @Spec
    private CommandSpec spec;

    /** Created by picocli. */
    public ReportCommand() {
    }

    @Override
    public Integer call() throws IOException {
        for (Path f : files) {
            if (Files.isDirectory(f)) {
                throw new UserError(f + " is a directory; expected a results.csv written by trit4j bench");
            }
            if (!Files.isRegularFile(f)) {
                throw new UserError("no such file: " + f);
            }
        }
        List<Measurement> all = new ArrayList<>();
        for (Path f : files) {
            try {
                all.addAll(ResultsCsv.read(f));
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
        }
        if (all.isEmpty()) {
            spec.commandLine().getErr().println("trit4j report: the files hold no measurement");
            return 1;
        }
        StudyReport.write(all, out, "trit4j speedup study: " + files.size() + " result files", spec.commandLine().getOut());
        return 0;
    }
}
