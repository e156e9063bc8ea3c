package io.github.trit4j.bench;

import io.github.trit4j.CpuFeatures;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Runs {@link GemmBenchmark} through JMH's API and prints a Markdown table of time per
 * product and useful throughput, GMAC/s = {@code M*N*K / time} with K unpadded (docs/DESIGN.md,
 * Measuring).
 *
 * <p>Takes the usual JMH command line (the benchmark regexp, {@code -p}, {@code -f},
 * {@code -wi}, {@code -i}, {@code -w}, {@code -r}, {@code -jvmArgsAppend}, {@code -rf}, ...);
 * without a regexp it runs {@code GemmBenchmark}:
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.github.trit4j.bench.GmacReport \
 *      -p shape=S1,S4 -p pair=FATNN,CONVENTIONAL_TNN -f 1 -wi 2 -i 3 -w 1 -r 1
 * </pre>
 *
 * <p>Results of any mode are converted to microseconds per product; a throughput score's
 * error is carried over to time by first-order propagation ({@code err_t = t * err_s / s}).
 */
public final class GmacReport {

    private GmacReport() {
    }

    public static void main(String[] args) throws RunnerException, IOException {
        CommandLineOptions cmd;
        try {
            cmd = new CommandLineOptions(args);
        } catch (CommandLineOptionException e) {
            System.err.println("Error parsing command line: " + e.getMessage());
            System.exit(1);
            return;
        }
        if (cmd.shouldHelp()) {
            System.out.println("Usage: GmacReport [JMH options]; runs GemmBenchmark unless a regexp is given.");
            System.out.println();
            cmd.showHelp();
            return;
        }
        ChainedOptionsBuilder builder = new OptionsBuilder().parent(cmd);
        if (cmd.getIncludes().isEmpty()) {
            builder.include(GemmBenchmark.class.getSimpleName());
        }
        Options options = builder.build();
        if (cmd.shouldList() || cmd.shouldListWithParams()) {
            Runner runner = new Runner(options);
            if (cmd.shouldListWithParams()) {
                runner.listWithParams(cmd);
            } else {
                runner.list();
            }
            return;
        }
        // JMH copies the forks' stdout to System.out: watch it for what AUTO resolved to
        PrintStream console = System.out;
        AutoIsaSniffer sniffer = new AutoIsaSniffer(console);
        Collection<RunResult> results;
        System.setOut(new PrintStream(sniffer, true, console.charset()));
        try {
            results = new Runner(options).run();
        } finally {
            System.out.flush();
            System.setOut(console);
        }
        console.println();
        print(results, sniffer.resolved(), console);
    }

    /** Writes the Markdown report of {@code results} (rows of {@link GemmBenchmark}; others are skipped). */
    public static void print(Collection<RunResult> results, PrintStream out) {
        print(results, Set.of(), out);
    }

    /**
     * Writes the Markdown report of {@code results} (rows of {@link GemmBenchmark}; others are skipped).
     *
     * @param autoIsas the shapes the forks reported for {@code isa=AUTO}; if exactly one, AUTO rows name it
     */
    public static void print(Collection<RunResult> results, Set<String> autoIsas, PrintStream out) {
        String auto = autoIsas.size() == 1 ? "AUTO (" + autoIsas.iterator().next() + ")" : "AUTO";
        List<String> rows = new ArrayList<>();
        Set<String> environments = new LinkedHashSet<>();
        for (RunResult result : results) {
            BenchmarkParams params = result.getParams();
            String shapeName = params.getParam("shape");
            String pair = params.getParam("pair");
            String isa = params.getParam("isa");
            if (shapeName == null || pair == null || isa == null) {
                continue; // not a GemmBenchmark row
            }
            GemmBenchmark.Shape shape = GemmBenchmark.Shape.valueOf(shapeName);
            Result<?> primary = result.getPrimaryResult();
            double[] time = microsPerOp(params.getMode(), params.getTimeUnit().toNanos(1) / 1e3,
                    primary.getScore(), primary.getScoreError());
            double gmacs = shape.macs() / time[0] / 1e3; // MAC / us = 1e6 MAC/s; / 1e3 -> GMAC/s
            String threads = params.getParam("threads") == null ? "1" : params.getParam("threads");
            rows.add(String.format(Locale.ROOT, "| %s (%d,%d,%d) | %s | %s | %s | %s | %.2f |",
                    shapeName, shape.m, shape.n, shape.k, pair, isa.equalsIgnoreCase("AUTO") ? auto : isa,
                    threads, formatTime(time[0], time[1]), gmacs));
            environments.add(params.getJdkVersion() + ", " + params.getVmName() + " " + params.getVmVersion()
                    + "; fork JVM args: " + String.join(" ", params.getJvmArgs())
                    + "; mode " + params.getMode().shortLabel()
                    + ", forks " + params.getForks()
                    + ", warmup " + params.getWarmup().getCount() + " x " + params.getWarmup().getTime()
                    + ", measurement " + params.getMeasurement().getCount() + " x " + params.getMeasurement().getTime());
        }
        if (rows.isEmpty()) {
            out.println("(no GemmBenchmark results)");
            return;
        }
        CpuFeatures cpu = CpuFeatures.host();
        out.println("CPU: " + cpu.model() + " (" + cpu.arch() + ", "
                + Runtime.getRuntime().availableProcessors() + " logical CPUs)");
        for (String environment : environments) {
            out.println("JDK: " + environment);
        }
        out.println();
        out.println("| shape (M,N,K) | pair | isa | threads | time (us/op) | GMAC/s |");
        out.println("|---|---|---|---:|---:|---:|");
        rows.forEach(out::println);
    }

    /**
     * A score in microseconds per operation and its error.
     *
     * @param unitMicros how many microseconds the score's time unit is
     */
    static double[] microsPerOp(Mode mode, double unitMicros, double score, double error) {
        if (mode == Mode.Throughput) { // score = ops per unit
            double micros = unitMicros / score;
            return new double[] {micros, micros * error / score};
        }
        return new double[] {score * unitMicros, error * unitMicros};
    }

    /**
     * Passes JMH's console output through and remembers the shapes that {@link GemmBenchmark}'s
     * forks print for {@code isa=AUTO} ({@code "# trit4j AUTO -> AVX512 (...)"}).
     */
    static final class AutoIsaSniffer extends OutputStream {
        private static final String MARKER = "# trit4j AUTO -> ";

        private final OutputStream target;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private final Set<String> resolved = new LinkedHashSet<>();

        AutoIsaSniffer(OutputStream target) {
            this.target = target;
        }

        @Override
        public void write(int b) throws IOException {
            target.write(b);
            if (b == '\n') {
                String text = line.toString(StandardCharsets.UTF_8);
                int at = text.indexOf(MARKER);
                if (at >= 0) {
                    String rest = text.substring(at + MARKER.length()).trim();
                    int space = rest.indexOf(' ');
                    resolved.add(space < 0 ? rest : rest.substring(0, space));
                }
                line.reset();
            } else {
                line.write(b);
            }
        }

        @Override
        public void flush() throws IOException {
            target.flush();
        }

        Set<String> resolved() {
            return resolved;
        }
    }

    private static String formatTime(double micros, double error) {
        if (Double.isNaN(error)) {
            return String.format(Locale.ROOT, "%.1f", micros);
        }
        return String.format(Locale.ROOT, "%.1f ± %.1f", micros, error);
    }
}
