package io.github.trit4j.tools;

import io.github.trit4j.bench.SteadyState;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.format.OutputFormat;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Locale;

/**
 * JMH's console output replaced by one progress line per measurement
 * ({@code [3/48] native S1 TERNARY_FATNN 1t: 812.4 us/op, 142.3 GMAC/s}). JMH's own messages
 * and the forks' output are kept back and shown only for a measurement that failed.
 */
final class ProgressFormat implements OutputFormat {

    private final PrintWriter out;
    private final String shape;
    private final int total;
    private int done;
    private final ByteArrayOutputStream held = new ByteArrayOutputStream();
    private final StringBuilder messages = new StringBuilder();

    ProgressFormat(PrintWriter out, String shape, int doneBefore, int total) {
        this.out = out;
        this.shape = shape;
        this.done = doneBefore;
        this.total = total;
    }

    int done() {
        return done;
    }

    @Override
    public void startBenchmark(BenchmarkParams params) {
        held.reset();
        messages.setLength(0);
    }

    @Override
    public void endBenchmark(BenchmarkResult result) {
        // JMH calls this with the fork's result; a failed fork reports through println and an empty result
        done++;
        String what = result == null ? "?" : describe(result.getParams());
        if (result == null || result.getPrimaryResult() == null || result.getIterationResults().isEmpty()) {
            out.printf(Locale.ROOT, "[%d/%d] %s %s: FAILED%n%s%s%n", done, total, shape, what, messages,
                    held.toString(StandardCharsets.UTF_8));
        } else {
            double[] iterations = result.getIterationResults().stream()
                    .mapToDouble(r -> r.getPrimaryResult().getScore()).toArray();
            SteadyState steady = SteadyState.of(iterations);
            BenchmarkParams p = result.getParams();
            var w = io.github.trit4j.bench.StudyWorkload.parse(p.getParam("workload"));
            double gmacs = w.macs() / steady.micros() / 1e3;
            out.printf(Locale.ROOT, "[%d/%d] %s %s: %.1f us/op, %.1f +- %.1f GMAC/s, %s%n", done, total, shape, what,
                    steady.micros(), gmacs, Double.isNaN(steady.microsError()) ? Double.NaN
                            : gmacs * steady.microsError() / steady.micros(), steady.describe());
        }
        out.flush();
    }

    static String describe(BenchmarkParams p) {
        String precision = p.getParam("precision");
        boolean blas = precision.startsWith("FP32_OPENBLAS") && p.getParam("blas") != null;
        return p.getParam("workload") + " " + precision + (blas ? " (" + p.getParam("blas") + ")" : "") + " "
                + p.getParam("threads") + "t";
    }

    @Override
    public void iteration(BenchmarkParams benchParams, IterationParams params, int iteration) {
    }

    @Override
    public void iterationResult(BenchmarkParams benchParams, IterationParams params, int iteration, IterationResult data) {
    }

    @Override
    public void startRun() {
    }

    @Override
    public void endRun(Collection<RunResult> result) {
    }

    @Override
    public void print(String s) {
        messages.append(s);
    }

    @Override
    public void println(String s) {
        messages.append(s).append('\n');
        if (s.contains("<failure>") || s.contains("Exception")) {
            out.println(s);
            out.flush();
        }
    }

    @Override
    public void flush() {
        out.flush();
    }

    @Override
    public void close() {
        out.flush();
    }

    @Override
    public void verbosePrintln(String s) {
    }

    @Override
    public void write(int b) {
        if (held.size() < 64 * 1024) {
            held.write(b);
        }
    }

    @Override
    public void write(byte[] b) {
        if (held.size() < 64 * 1024) {
            held.writeBytes(b);
        }
    }
}
