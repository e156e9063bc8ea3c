package io.github.trit4j.tools;

import io.github.trit4j.bench.StudyBenchmark;
import io.github.trit4j.bench.StudyPrecision;
import io.github.trit4j.bench.StudyWorkload;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link StudyPlan} with JMH: for each ISA shape one JMH run of {@link StudyBenchmark},
 * whose trials fork JVMs (this JVM's java and class path) with the vector module, heap flags
 * and the shape's flags. Turns the scores into {@link Measurement}s.
 */
public final class StudyRunner {

    /** Flags of every fork (as {@link StudyBenchmark}'s annotation has them; JMH's append list replaces those). */
    static final List<String> FORK_FLAGS = List.of("--add-modules", "jdk.incubator.vector",
            "--enable-native-access=ALL-UNNAMED", "-Xms1g", "-Xmx1g");

    private StudyRunner() {
    }

    /** Runs the plan, printing a progress line per measurement; failed measurements are left out. */
    public static List<Measurement> run(StudyPlan plan, MachineFingerprint fingerprint, PrintWriter progress)
            throws IOException, RunnerException {
        List<Measurement> out = new ArrayList<>();
        int done = 0;
        int total = plan.size();
        for (IsaShape shape : plan.shapes()) {
            List<StudyPrecision> precisions = plan.precisionsFor(shape);
            Path facts = Files.createTempFile("trit4j-study-", ".facts");
            try {
                List<String> flags = new ArrayList<>(FORK_FLAGS);
                flags.addAll(shape.jvmFlags);
                flags.add("-D" + StudyBenchmark.FACTS_PROPERTY + "=" + facts);
                ChainedOptionsBuilder options = new OptionsBuilder()
                        .include("\\." + StudyBenchmark.class.getSimpleName() + "\\.")
                        .param("workload", plan.workloads().toArray(String[]::new))
                        .param("precision", precisions.stream().map(Enum::name).toArray(String[]::new))
                        .param("isa", shape.isaParam)
                        .param("threads", plan.threads().stream().map(String::valueOf).toArray(String[]::new))
                        .forks(1)
                        .warmupIterations(plan.warmupIterations())
                        .warmupTime(TimeValue.milliseconds(plan.warmupMillis()))
                        .measurementIterations(plan.measureIterations())
                        .measurementTime(TimeValue.milliseconds(plan.measureMillis()))
                        .timeUnit(TimeUnit.MICROSECONDS)
                        .jvmArgsAppend(flags.toArray(String[]::new))
                        .shouldFailOnError(false);
                ProgressFormat format = new ProgressFormat(progress, shape.id(), done, total);
                Collection<RunResult> results = new Runner(options.build(), format).run();
                done = format.done();
                Map<String, String> kernels = readFacts(facts);
                for (RunResult r : results) {
                    Measurement m = measurement(r, shape, flags, kernels, fingerprint);
                    if (m != null) {
                        out.add(m);
                    }
                }
            } finally {
                Files.deleteIfExists(facts);
            }
        }
        return out;
    }

    private static Measurement measurement(RunResult r, IsaShape shape, List<String> flags,
                                           Map<String, String> kernels, MachineFingerprint fingerprint) {
        BenchmarkParams p = r.getParams();
        Result<?> primary = r.getPrimaryResult();
        if (primary == null || r.getBenchmarkResults().isEmpty()) {
            return null;
        }
        StudyWorkload w = StudyWorkload.parse(p.getParam("workload"));
        int threads = Integer.parseInt(p.getParam("threads"));
        String precision = p.getParam("precision");
        String kernel = kernels.getOrDefault(key(p.getParam("workload"), precision, shape.isaParam, threads), "?");
        double err = primary.getScoreError();
        return new Measurement(fingerprint, shape.id(), String.join(" ", shape.jvmFlags), kernel, w.name(),
                w.kind().name(), w.m(), w.n(), w.k(), precision, threads, primary.getScore(),
                Double.isFinite(err) ? err : Double.NaN);
    }

    private static Map<String, String> readFacts(Path facts) throws IOException {
        Map<String, String> kernels = new HashMap<>();
        for (String line : Files.readAllLines(facts, StandardCharsets.UTF_8)) {
            String[] f = line.split("\\|", 5);
            if (f.length == 5) {
                kernels.put(key(f[0], f[1], f[2], Integer.parseInt(f[3])), f[4]);
            }
        }
        return kernels;
    }

    private static String key(String workload, String precision, String isa, int threads) {
        return workload + "|" + precision + "|" + isa + "|" + threads;
    }
}
