package io.github.trit4j.tools;

import io.github.trit4j.bench.StudyPrecision;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The child JVM of {@link StudyRunner#runInCleanEnv}: runs one {@link StudyPlan.Batch} with JMH (its forks
 * inherit this JVM's environment, from which the parent removed the OpenBLAS-forcing variables), prints
 * progress lines on stdout, and leaves JMH's JSON result file and the forks' facts file for the parent. Exit code 0,
 * {@value #JMH_FAILED} when JMH refused to run (message on stderr, prefixed {@value #RUNNER_FAILED}), 1 on any other
 * error, 2 on bad arguments. Not a user command.
 */
@Command(name = "openblas-child", description = "Internal: one study batch in a JVM without OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE.")
public final class OpenBlasChild implements Callable<Integer> {

    /** Prefix of the stderr line that carries a JMH RunnerException's message. */
    static final String RUNNER_FAILED = "trit4j: JMH failed: ";
    /** Exit code when JMH refused to run (e.g. its machine-wide lock is held). */
    static final int JMH_FAILED = 3;

    @Option(names = "--shape", required = true)
    IsaShape shape;
    @Option(names = "--workloads", required = true, split = ",")
    List<String> workloads;
    @Option(names = "--precisions", required = true, split = ",")
    List<StudyPrecision> precisions;
    @Option(names = "--threads", required = true, split = ",")
    List<Integer> threads;
    @Option(names = "--blas", required = true, split = ",")
    List<String> blas;
    @Option(names = "--timing", required = true, split = ",", description = "warm-up iterations, ms, measurement iterations, ms")
    int[] timing;
    @Option(names = "--done", defaultValue = "0")
    int done;
    @Option(names = "--total", required = true)
    int total;
    @Option(names = "--json", required = true, description = "JMH's JSON result file")
    Path json;
    @Option(names = "--facts", required = true, description = "the forks' facts file")
    Path facts;

    /** Created by picocli. */
    public OpenBlasChild() {
    }

    /** The command-line arguments that describe a batch to {@link #main}. */
    static List<String> args(StudyPlan.Batch batch, int[] timing, int doneBefore, int total, Path json, Path facts) {
        List<String> a = new ArrayList<>();
        a.addAll(List.of("--shape", batch.shape().name(), "--workloads", String.join(",", batch.workloads()),
                "--precisions", String.join(",", batch.precisions().stream().map(Enum::name).toList()),
                "--threads", String.join(",", batch.threads().stream().map(String::valueOf).toList()),
                "--blas", String.join(",", batch.blas()),
                "--timing", String.join(",", Arrays.stream(timing).mapToObj(String::valueOf).toList()),
                "--done", Integer.toString(doneBefore), "--total", Integer.toString(total),
                "--json", json.toString(), "--facts", facts.toString()));
        return a;
    }

    @Override
    public Integer call() throws Exception {
        if (timing.length != 4) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--timing: expected 4 numbers");
        }
        StudyPlan.Batch batch = new StudyPlan.Batch(shape, workloads, precisions, threads, false, blas);
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        try {
            StudyRunner.runBatch(batch, timing, json, facts, out, done, total);
        } catch (org.openjdk.jmh.runner.RunnerException e) {
            // e.g. JMH's machine-wide lock is held: the parent reports it as its own JMH would
            System.err.println(RUNNER_FAILED + e.getMessage());
            return JMH_FAILED;
        }
        out.flush();
        return 0;
    }

    /** Runs a batch; the options as {@link #args} makes them. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new OpenBlasChild()).execute(args));
    }
}
