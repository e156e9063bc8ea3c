package io.github.trit4j.tools;

import io.github.trit4j.bench.OpenBlas;
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

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
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
 * Runs a {@link StudyPlan} with JMH: one JMH run of {@link StudyBenchmark} per {@link StudyPlan.Batch},
 * whose trials fork JVMs (this JVM's java and class path) with the vector module, heap flags
 * and the shape's flags. Turns the scores into {@link Measurement}s.
 *
 * <p>A batch that must run OpenBLAS on the CPU's own core while this process's environment
 * forces one ({@code OPENBLAS_CORETYPE}, {@code OPENBLAS_L2_SIZE}) runs in a child JVM
 * ({@link OpenBlasChild}) started with those variables removed from its environment; its JMH forks
 * inherit that environment. Its measurements come back through a CSV file, its progress lines
 * through its stdout. Nothing else in this process's or the tests' environment changes.
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
            if (batch.cleanOpenBlasEnv()) {
                out.addAll(runInCleanEnv(batch, plan, fingerprint, progress, done, total));
            } else {
                out.addAll(runBatch(batch, plan.timing(), fingerprint, progress, done, total));
            }
            done += batch.size();
        }
        return out;
    }

    /** One JMH run in this JVM; progress lines are numbered from {@code doneBefore + 1} of {@code total}. */
    static List<Measurement> runBatch(StudyPlan.Batch batch, int[] timing, MachineFingerprint fingerprint,
                                      PrintWriter progress, int doneBefore, int total) throws IOException, RunnerException {
        IsaShape shape = batch.shape();
        List<Measurement> out = new ArrayList<>();
        Path facts = Files.createTempFile("trit4j-study-", ".facts");
        try {
            List<String> flags = new ArrayList<>(FORK_FLAGS);
            flags.addAll(shape.jvmFlags);
            flags.add("-D" + StudyBenchmark.FACTS_PROPERTY + "=" + facts);
            ChainedOptionsBuilder options = new OptionsBuilder()
                    .include("\\." + StudyBenchmark.class.getSimpleName() + "\\.")
                    .param("workload", batch.workloads().toArray(String[]::new))
                    .param("precision", batch.precisions().stream().map(Enum::name).toArray(String[]::new))
                    .param("isa", shape.isaParam)
                    .param("threads", batch.threads().stream().map(String::valueOf).toArray(String[]::new))
                    .forks(1)
                    .warmupIterations(timing[0])
                    .warmupTime(TimeValue.milliseconds(timing[1]))
                    .measurementIterations(timing[2])
                    .measurementTime(TimeValue.milliseconds(timing[3]))
                    .timeUnit(TimeUnit.MICROSECONDS)
                    .jvmArgsAppend(flags.toArray(String[]::new))
                    .shouldFailOnError(false);
            ProgressFormat format = new ProgressFormat(progress, shape.id(), doneBefore, total);
            Collection<RunResult> results = new Runner(options.build(), format).run();
            Map<String, String> kernels = readFacts(facts);
            for (RunResult r : results) {
                Measurement m = measurement(r, shape, kernels, fingerprint);
                if (m != null) {
                    out.add(m);
                }
            }
        } finally {
            Files.deleteIfExists(facts);
        }
        return out;
    }

    /**
     * Runs a batch in a child JVM ({@link OpenBlasChild}) whose environment lacks {@link OpenBlas#FORCING_VARIABLES};
     * relays its progress lines; labels the kernels with what was removed. A failed child yields no measurement.
     */
    static List<Measurement> runInCleanEnv(StudyPlan.Batch batch, StudyPlan plan, MachineFingerprint fingerprint,
                                           PrintWriter progress, int doneBefore, int total)
            throws IOException, RunnerException {
        Path csv = Files.createTempFile("trit4j-openblas-", ".csv");
        Path log = Files.createTempFile("trit4j-openblas-", ".log");
        try {
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
            cmd.addAll(OpenBlasChild.args(batch, plan.timing(), doneBefore, total, csv));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log.toFile());
            pb.environment().keySet().removeAll(OpenBlas.FORCING_VARIABLES);
            Process child = pb.start();
            child.getOutputStream().close();
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    progress.println(line);
                    progress.flush();
                }
            }
            int status;
            try {
                status = child.waitFor();
            } catch (InterruptedException e) {
                child.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while OpenBLAS ran in a child JVM", e);
            }
            if (status == 3) {
                String message = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                        .filter(l -> l.startsWith(OpenBlasChild.RUNNER_FAILED)).findFirst()
                        .map(l -> l.substring(OpenBlasChild.RUNNER_FAILED.length())).orElse("JMH failed in the child JVM");
                throw new RunnerException(message);
            }
            List<Measurement> read = status == 0 && Files.size(csv) > 0 ? ResultsCsv.read(csv) : List.of();
            if (status != 0) {
                progress.println("OpenBLAS run with " + plan.openBlasForcing() + " removed failed (exit " + status + "):");
                progress.println(Files.readString(log, StandardCharsets.UTF_8));
                progress.flush();
            }
            String note = " [native core; " + plan.openBlasForcing() + " removed]";
            List<Measurement> out = new ArrayList<>();
            for (Measurement m : read) {
                out.add(new Measurement(fingerprint, m.isaShape(), m.jvmFlags(), m.kernel() + note, m.workload(),
                        m.kind(), m.m(), m.n(), m.k(), m.precision(), m.threads(), m.microsPerOp(), m.microsError()));
            }
            return out;
        } finally {
            Files.deleteIfExists(csv);
            Files.deleteIfExists(log);
        }
    }

    private static Measurement measurement(RunResult r, IsaShape shape, Map<String, String> kernels,
                                           MachineFingerprint fingerprint) {
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

    /** Whether a precision name is one of the OpenBLAS measurements. */
    static boolean isOpenBlas(String precision) {
        return precision.equals(StudyPrecision.FP32_OPENBLAS.name()) || precision.equals(StudyPrecision.FP32_OPENBLAS_ENV.name());
    }
}
