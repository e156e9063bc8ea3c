package io.github.trit4j.tools;

import io.github.trit4j.bench.SteadyState;
import io.github.trit4j.bench.OpenBlas;
import io.github.trit4j.bench.StudyBenchmark;
import io.github.trit4j.bench.StudyPrecision;
import io.github.trit4j.bench.StudyWorkload;
import io.github.trit4j.bench.TrialFacts;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link StudyPlan} with JMH: one JMH run of {@link StudyBenchmark} per {@link StudyPlan.Batch},
 * whose trials fork JVMs (this JVM's java and class path) with the vector module, heap flags
 * and the shape's flags. JMH writes its JSON result file; the measurements are read back from it (Jackson) with
 * their per-iteration times, so that each figure is taken from its settled iterations ({@link SteadyState}).
 *
 * <p>A batch that must run OpenBLAS on the CPU's own core while this process's environment
 * forces one ({@code OPENBLAS_CORETYPE}, {@code OPENBLAS_L2_SIZE}) runs in a child JVM
 * ({@link OpenBlasChild}) started with those variables removed from its environment; its JMH forks
 * inherit that environment. The child writes the same JMH JSON file and facts file, and relays its progress lines
 * on its stdout. Nothing else in this process's or the tests' environment changes.
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
        for (StudyPlan.Batch batch : plan.batches()) {
            Path json = Files.createTempFile("trit4j-study-", ".json");
            Path facts = Files.createTempFile("trit4j-study-", ".facts");
            try {
                if (batch.cleanOpenBlasEnv()) {
                    runInCleanEnv(batch, plan, json, facts, progress, done, total);
                } else {
                    runBatch(batch, plan.timing(), json, facts, progress, done, total);
                }
                String note = batch.cleanOpenBlasEnv() ? " [native core; " + plan.openBlasForcing() + " removed]" : "";
                out.addAll(measurements(JmhJson.read(json), TrialFacts.read(facts), batch.shape(), fingerprint, note));
            } finally {
                Files.deleteIfExists(json);
                Files.deleteIfExists(facts);
            }
            done += batch.size();
        }
        return out;
    }

    /**
     * One JMH run in this JVM, its results written to {@code json} (JMH's JSON format) and the forks' facts to
     * {@code facts}; progress lines are numbered from {@code doneBefore + 1} of {@code total}.
     */
    static void runBatch(StudyPlan.Batch batch, int[] timing, Path json, Path facts, PrintWriter progress,
                         int doneBefore, int total) throws RunnerException {
        IsaShape shape = batch.shape();
        List<String> flags = new ArrayList<>(FORK_FLAGS);
        flags.addAll(shape.jvmFlags);
        flags.add("-D" + StudyBenchmark.FACTS_PROPERTY + "=" + facts);
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("\\." + StudyBenchmark.class.getSimpleName() + "\\.")
                .param("workload", batch.workloads().toArray(String[]::new))
                .param("precision", batch.precisions().stream().map(Enum::name).toArray(String[]::new))
                .param("isa", shape.isaParam)
                .param("threads", batch.threads().stream().map(String::valueOf).toArray(String[]::new))
                .param("blas", batch.blas().toArray(String[]::new))
                .forks(1)
                .warmupIterations(timing[0])
                .warmupTime(TimeValue.milliseconds(timing[1]))
                .measurementIterations(timing[2])
                .measurementTime(TimeValue.milliseconds(timing[3]))
                .timeUnit(TimeUnit.MICROSECONDS)
                .jvmArgsAppend(flags.toArray(String[]::new))
                .resultFormat(ResultFormatType.JSON)
                .result(json.toString())
                .shouldFailOnError(false);
        new Runner(options.build(), new ProgressFormat(progress, shape.id(), doneBefore, total)).run();
    }

    /**
     * Runs a batch in a child JVM ({@link OpenBlasChild}) whose environment lacks {@link OpenBlas#FORCING_VARIABLES};
     * relays its progress lines. A failed child, or one still running after twice its planned trials plus
     * {@link ChildProcess#MARGIN} (then killed), yields no measurement (its stderr is shown).
     */
    static void runInCleanEnv(StudyPlan.Batch batch, StudyPlan plan, Path json, Path facts, PrintWriter progress,
                              int doneBefore, int total) throws IOException, RunnerException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // the forks inherit this JVM's flags, as JMH's do from us; no debugger or agent twice
            if (!arg.startsWith("-agentlib") && !arg.startsWith("-javaagent") && !arg.startsWith("-Xrunjdwp")
                    && !arg.startsWith("-Xdebug")) {
                cmd.add(arg);
            }
        }
        System.getProperties().stringPropertyNames().stream()
                .filter(k -> k.startsWith("jmh.") || k.startsWith("trit4j."))
                .sorted()
                .forEach(k -> cmd.add("-D" + k + "=" + System.getProperty(k)));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(OpenBlasChild.class.getName());
        cmd.addAll(OpenBlasChild.args(batch, plan.timing(), doneBefore, total, json, facts));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeAll(OpenBlas.FORCING_VARIABLES);
        ChildProcess.Ended ended = ChildProcess.run(pb, ChildProcess.limit(planned(batch.size(), plan.timing())),
                line -> {
                    progress.println(line);
                    progress.flush();
                });
        if (!ended.timedOut() && ended.exitCode() == OpenBlasChild.JMH_FAILED) {
            String message = ended.stderr().lines()
                    .filter(l -> l.startsWith(OpenBlasChild.RUNNER_FAILED)).findFirst()
                    .map(l -> l.substring(OpenBlasChild.RUNNER_FAILED.length())).orElse("JMH failed in the child JVM");
            throw new RunnerException(message);
        }
        if (!ended.ok()) {
            Files.deleteIfExists(json); // nothing half-written is read
            progress.println("OpenBLAS run with " + plan.openBlasForcing() + " removed failed (" + ended.status() + "):");
            progress.println(ended.stderr());
            progress.flush();
        }
    }

    /** The time {@code trials} JMH trials of {@code timing} (warm-up and measurement iterations) are planned to take. */
    static Duration planned(int trials, int[] timing) {
        return Duration.ofMillis((long) trials * ((long) timing[0] * timing[1] + (long) timing[2] * timing[3]));
    }

    /** The measurements of a JMH run's trials, each from its settled iterations; {@code note} is added to kernels. */
    static List<Measurement> measurements(List<JmhJson.Trial> trials, List<TrialFacts> facts, IsaShape shape,
                                          MachineFingerprint fingerprint, String note) {
        Map<String, String> kernels = new HashMap<>();
        for (TrialFacts f : facts) {
            kernels.put(key(f.workload(), f.precision(), f.isa(), f.threads(), f.blas()), f.kernel());
        }
        List<Measurement> out = new ArrayList<>();
        for (JmhJson.Trial t : trials) {
            if (t.iterations().length == 0) {
                continue;
            }
            Map<String, String> p = t.params();
            StudyWorkload w = StudyWorkload.parse(p.get("workload"));
            int threads = Integer.parseInt(p.get("threads"));
            String precision = p.get("precision");
            String kernel = kernels.getOrDefault(key(p.get("workload"), precision, p.get("isa"), threads,
                    p.getOrDefault("blas", OpenBlas.Source.BYTEDECO.id())), "?");
            SteadyState steady = SteadyState.of(t.iterations());
            out.add(new Measurement(fingerprint, shape.id(), String.join(" ", shape.jvmFlags), kernel + note, w.name(),
                    w.kind().name(), w.m(), w.n(), w.k(), precision, threads, steady.micros(), steady.microsError(),
                    steady.warmupIterations(), steady.measuredIterations(), steady.settled(), Double.NaN, Double.NaN,
                    Double.NaN, Double.NaN, null));
        }
        return out;
    }

    private static String key(String workload, String precision, String isa, int threads, String blas) {
        return String.join("|", workload, precision, isa, Integer.toString(threads), blas);
    }

    /** Whether a precision name is one of the OpenBLAS measurements. */
    static boolean isOpenBlas(String precision) {
        return precision.equals(StudyPrecision.FP32_OPENBLAS.name()) || precision.equals(StudyPrecision.FP32_OPENBLAS_ENV.name());
    }
}
