package io.github.trit4j.tools;

import io.github.trit4j.bench.StudyWorkload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code trit4j time-to-peak}: the time-to-peak part of {@code trit4j bench} alone (no JMH), for measuring it in a
 * short quiet window: per workload, fresh JVMs alternating between the default JVM, the library's warm-up first and
 * (with {@code --aot}) the AOT cache, and a line of medians per workload.
 */
@Command(name = "time-to-peak",
        mixinStandardHelpOptions = true,
        versionProvider = Trit4jVersion.class,
        description = {"Time to peak alone (ternary FATNN, 1 thread, fresh JVMs): the default JVM, the library's "
                + "warm-up first (timed on its own), and with --aot the AOT cache of 'trit4j aot-train'."})
public final class TimeToPeakCommand implements Callable<Integer> {

    @Option(names = "--workloads", split = ",", paramLabel = "W", defaultValue = "S1,S2,S3,S4,Q1,L1,C1,C2,C3,C4",
            description = "Study workloads (default: ${DEFAULT-VALUE}).")
    List<String> workloads;

    @Option(names = "--jvms", paramLabel = "N", defaultValue = "3",
            description = "Fresh JVMs per workload and mode (default: ${DEFAULT-VALUE}).")
    int jvms;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "3",
            description = "Shortest run per JVM; it then ends on a steady state (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--aot", description = "Also the AOT cache beside the tools jar ('trit4j aot-train' first).")
    boolean aot;

    @Spec
    private CommandSpec spec;

    /** Created by picocli. */
    public TimeToPeakCommand() {
    }

    @Override
    public Integer call() throws Exception {
        for (String w : workloads) {
            try {
                StudyWorkload.parse(w);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--workloads: " + e.getMessage());
            }
        }
        if (jvms < 1 || !(seconds > 0) || seconds > 600) {
            throw new ParameterException(spec.commandLine(), "--jvms must be >= 1 and --seconds in (0, 600], got "
                    + jvms + ", " + seconds);
        }
        Optional<Path> cache = aot ? TimeToPeakRunner.usableAotCache() : Optional.empty();
        if (aot && cache.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--aot: no AOT cache newer than the tools jar; run "
                    + "'trit4j aot-train' first");
        }
        PrintWriter out = spec.commandLine().getOut();
        List<TimeToPeakRunner.Figures> figures = TimeToPeakRunner.run(workloads, IsaShape.NATIVE, jvms, seconds,
                TimeToPeakRunner.MAX_SECONDS, cache, out);
        out.println("workload: time to peak, median of " + jvms + " JVM(s), ms: default JVM | after warm-up (+ the "
                + "warm-up) | AOT cache   (" + StudyTables.UNSETTLED + ": some run hit its "
                + String.format(Locale.ROOT, "%.0f", TimeToPeakRunner.MAX_SECONDS) + " s cap)");
        for (TimeToPeakRunner.Figures f : figures) {
            String mark = Boolean.FALSE.equals(f.allSettled()) ? StudyTables.UNSETTLED : "";
            out.printf(Locale.ROOT, "%-9s %8s%s | %8s%s (+ %s) | %s%n", f.workload(),
                    TimeToPeakRunner.millis(TimeToPeakRunner.Figures.median(f.defaultJvm())), mark,
                    TimeToPeakRunner.millis(TimeToPeakRunner.Figures.median(f.warm())), mark,
                    TimeToPeakRunner.millis(f.warmUpMillis()),
                    TimeToPeakRunner.millis(TimeToPeakRunner.Figures.median(f.aot())));
        }
        out.flush();
        return figures.stream().allMatch(f -> !f.defaultJvm().isEmpty()) ? 0 : 1;
    }
}
