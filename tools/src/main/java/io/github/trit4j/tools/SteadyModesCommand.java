package io.github.trit4j.tools;

import io.github.trit4j.bench.StudyPrecision;
import io.github.trit4j.bench.StudyWorkload;
import io.github.trit4j.bench.TimeToPeak;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code trit4j steady-modes}: does a workload settle at the same speed in every fresh JVM? Runs N fresh JVMs of
 * {@link TimeToPeak} (one long loop each, ending on a steady state) and prints each one's steady figure, its speed per
 * half second, and the spread: slowest against fastest. Issue 11's bar for the C3 convolution: over 20 JVMs, the
 * slowest within 15% of the fastest. Extra JVM flags (e.g. {@code -XX:+PrintCompilation}) go to every JVM.
 */
@Command(name = "steady-modes",
        mixinStandardHelpOptions = true,
        versionProvider = Trit4jVersion.class,
        description = {"Run a workload in N fresh JVMs, one long loop each, and print each JVM's steady figure and the "
                + "spread (slowest vs fastest): whether the JIT settles in one steady state or several."})
public final class SteadyModesCommand implements Callable<Integer> {

    @Option(names = "--workload", paramLabel = "W", defaultValue = "C3",
            description = "A study workload (default: ${DEFAULT-VALUE}).")
    String workload;

    @Option(names = "--precisions", paramLabel = "P", defaultValue = "TERNARY_FATNN",
            description = "One study precision, named as in bench --precisions (default: ${DEFAULT-VALUE}).")
    StudyPrecision precision;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1", description = "Threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--jvms", paramLabel = "N", defaultValue = "20", description = "Fresh JVMs (default: ${DEFAULT-VALUE}).")
    int jvms;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "12",
            description = "Shortest length of each JVM's loop; it then ends on a steady state, at the latest after "
                    + "20 s or S, whichever is longer (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--bar", paramLabel = "PERCENT", defaultValue = "15",
            description = "The slowest steady figure may be this much below the fastest (default: ${DEFAULT-VALUE}).")
    double bar;

    @Option(names = "--jvm-flag", paramLabel = "FLAG", description = "An extra JVM flag for every JVM (repeatable), "
            + "e.g. --jvm-flag=-XX:+PrintCompilation.")
    List<String> jvmFlags = new ArrayList<>();

    @Spec
    private CommandSpec spec;

    /** Created by picocli. */
    public SteadyModesCommand() {
    }

    @Override
    public Integer call() throws Exception {
        try {
            StudyWorkload.parse(workload);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--workload: " + e.getMessage());
        }
        if (jvms < 2 || !(seconds > 0) || seconds > 600 || threads < 1) {
            throw new ParameterException(spec.commandLine(), "--jvms must be >= 2, --seconds in (0, 600], --threads >= 1");
        }
        if (!(bar >= 0 && bar < 100)) {
            throw new ParameterException(spec.commandLine(), "--bar must be a percentage in [0, 100), got " + bar);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "trit4j steady-modes: %s %s, %d thread(s), %d fresh JVMs x %.0f s%s%n", workload,
                precision, threads, jvms, seconds, jvmFlags.isEmpty() ? "" : ", flags " + String.join(" ", jvmFlags));
        out.flush();
        List<Double> steady = new ArrayList<>();
        List<TimeToPeak.Reference> references = new ArrayList<>();
        for (int i = 1; i <= jvms; i++) {
            List<String> args = new ArrayList<>(List.of("--workloads", workload, "--precision", precision.name(),
                    "--threads", Integer.toString(threads), "--reference"));
            args.addAll(TimeToPeakRunner.lengthArgs(seconds, TimeToPeakRunner.MAX_SECONDS));
            List<String> cmd = TimeToPeakRunner.command(IsaShape.NATIVE, jvmFlags, args);
            Optional<TimeToPeak.Result> r = TimeToPeakRunner.once(cmd, out);
            if (r.isEmpty()) {
                continue;
            }
            TimeToPeak.Result t = r.get();
            steady.add(t.steadyGmacs());
            out.printf(Locale.ROOT, "JVM %2d: steady %.1f GMAC/s, first call %.0f ms, 90%% of steady %s; GMAC/s per "
                            + "0.5 s: %s%n", i, t.steadyGmacs(), t.firstCallMillis(),
                    Double.isNaN(t.timeToPeakMillis()) ? "never reached"
                            : String.format(Locale.ROOT, "at %.0f ms", t.timeToPeakMillis()),
                    Arrays.stream(t.series()).mapToObj(v -> String.format(Locale.ROOT, "%.0f", v))
                            .collect(Collectors.joining(" ")));
            TimeToPeak.Reference ref = t.reference();
            if (ref != null) {
                references.add(ref);
                out.printf(Locale.ROOT, "        then in turns: workload %.1f GMAC/s, core's L1 loop %.2f, L2 loop %.2f "
                        + "words/ns%n", ref.gmacs(), ref.l1WordsPerNs(), ref.l2WordsPerNs());
            }
            out.flush();
        }
        if (steady.size() < 2) {
            spec.commandLine().getErr().println("trit4j steady-modes: fewer than 2 JVMs succeeded");
            return 1;
        }
        double min = steady.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double max = steady.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        double[] sorted = steady.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        boolean met = min >= max * (1 - bar / 100);
        out.printf(Locale.ROOT, "%d JVMs: steady %.1f .. %.1f GMAC/s (median %.1f); slowest %.1f%% below the fastest: "
                        + "%s (bar: within %.0f%%)%n", steady.size(), min, max, sorted[sorted.length / 2],
                100 * (1 - min / max), met ? "MET" : "NOT MET", bar);
        if (references.size() >= 2) {
            // A slower core slows the reference loops with the workload; slower code or data slows the workload alone.
            out.printf(Locale.ROOT, "In turns with the core's reference loops (same JVMs, after each run): workload "
                            + "spread %.1f%%; L1 loop spread %.1f%%; L2 loop spread %.1f%%; workload per L2-loop word "
                            + "spread %.1f%%, per L1-loop word %.1f%% (a mode that the reference loops share is the "
                            + "core's, not the code's)%n",
                    spread(references.stream().mapToDouble(TimeToPeak.Reference::gmacs).toArray()),
                    spread(references.stream().mapToDouble(TimeToPeak.Reference::l1WordsPerNs).toArray()),
                    spread(references.stream().mapToDouble(TimeToPeak.Reference::l2WordsPerNs).toArray()),
                    spread(references.stream().mapToDouble(r -> r.gmacs() / r.l2WordsPerNs()).toArray()),
                    spread(references.stream().mapToDouble(r -> r.gmacs() / r.l1WordsPerNs()).toArray()));
        }
        return met ? 0 : 1;
    }

    /** How far the smallest value lies below the largest, in percent of the largest. */
    static double spread(double[] values) {
        double min = Arrays.stream(values).min().orElseThrow();
        double max = Arrays.stream(values).max().orElseThrow();
        return 100 * (1 - min / max);
    }
}
