package io.github.trit4j.tools;

import io.github.trit4j.bench.StudyPrecision;
import io.github.trit4j.bench.StudyWorkload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code trit4j bench}: the speedup study. Measures each precision on each workload with JMH
 * in forked JVMs (one set per ISA shape, with its JVM flags), prints a progress line per
 * measurement and the Markdown tables, and writes {@code results.csv}, {@code report.html} and
 * PNG charts. Exit code 0 when every measurement ran, 1 if some failed (the others are still
 * reported), 2 on bad arguments.
 */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        versionProvider = Trit4jVersion.class,
        description = {
                "The speedup study: fp32 (OpenBLAS sgemm, Vector API), int8 (Vector API) and trit4j's 2-bit, "
                        + "ternary (conventional, FATNN, x 2-bit) and binary GEMM on the ResNet-18 layer shapes, a "
                        + "square and a batch-1 linear layer; speedup over fp32 OpenBLAS and GMAC/s.",
                "JMH in forked JVMs. Defaults take a few minutes on 2 cores; --quick takes seconds (indicative numbers).",
                "Convolution workloads (the layer API) are not in the study yet."})
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--quick", description = "Seconds-long smoke run: 1 x 300 ms warm-up, 1 x 200 ms measurement; "
            + "unless given, workloads S4 and threads 1.")
    boolean quick;

    @Option(names = "--isa", split = ",", paramLabel = "SHAPE", defaultValue = "native",
            description = "ISA shapes, each in its own JVMs: native (the JVM's choice), avx2 (-XX:UseAVX=2, trit4j AVX2), "
                    + "neon (-XX:MaxVectorSize=16, trit4j NEON shape; x86 numbers, not an ARM claim), all "
                    + "(default: ${DEFAULT-VALUE}).")
    List<String> isa;

    @Option(names = "--threads", split = ",", paramLabel = "N",
            description = "Thread counts, numbers or 'all' (default: 1,all; with --quick: 1).")
    List<String> threads;

    @Option(names = "--workloads", split = ",", paramLabel = "W",
            description = "Workloads: S1 S2 S3 S4 (ResNet-18 3x3 layers as GEMM), Q1 Q2 (squares), L1 (batch-1 "
                    + "linear) or MxNxK (default: S1,S2,S3,S4,Q1,L1; with --quick: S4).")
    List<String> workloads;

    @Option(names = "--precisions", split = ",", paramLabel = "P", defaultValue = "all",
            description = "Precisions: FP32_OPENBLAS FP32_VECTOR INT8 TWO_BIT TERNARY_CONVENTIONAL TERNARY_FATNN "
                    + "TERNARY_TWO_BIT BINARY or all (default: ${DEFAULT-VALUE}). Speedups need FP32_OPENBLAS.")
    List<String> precisions;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "trit4j-results",
            description = "Folder for results.csv, report.html and the PNG charts (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--label", paramLabel = "NAME",
            description = "Name of this machine in the CSV and in merged reports (default: CPU model and cores).")
    String label;

    @Spec
    private CommandSpec spec;

    /** Created by picocli. */
    public BenchCommand() {
    }

    @Override
    public Integer call() throws Exception {
        StudyPlan plan = plan();
        PrintWriter console = spec.commandLine().getOut();
        MachineFingerprint fingerprint = MachineFingerprint.current(label);
        console.printf("trit4j bench: %d measurements (%s; %s; ISA shapes %s; threads %s), JMH %d x %d ms warm-up, "
                        + "%d x %d ms measurement, 1 fork each%n", plan.size(), String.join(",", plan.workloads()),
                String.join(",", plan.precisions().stream().map(Enum::name).toList()),
                String.join(",", plan.shapes().stream().map(IsaShape::id).toList()), plan.threads(),
                plan.warmupIterations(), plan.warmupMillis(), plan.measureIterations(), plan.measureMillis());
        console.println(StudyReport.machineLine(fingerprint));
        console.flush();
        List<Measurement> measurements;
        try {
            measurements = StudyRunner.run(plan, fingerprint, console);
        } catch (org.openjdk.jmh.runner.RunnerException e) {
            // e.g. JMH's machine-wide lock (/tmp/jmh.lock) is held by another benchmark run
            spec.commandLine().getErr().println("trit4j bench: " + e.getMessage()
                    + (e.getMessage() != null && e.getMessage().contains("JMH lock")
                    ? " (another benchmark is running on this machine: wait for it, or add "
                    + "TRIT4J_JAVA_OPTS=-Djmh.ignoreLock=true and accept disturbed numbers)" : ""));
            return 1;
        }
        if (measurements.isEmpty()) {
            spec.commandLine().getErr().println("trit4j bench: no measurement succeeded");
            return 1;
        }
        StudyReport.write(measurements, out, "trit4j speedup study", console);
        if (measurements.size() < plan.size()) {
            spec.commandLine().getErr().printf("trit4j bench: %d of %d measurements failed%n",
                    plan.size() - measurements.size(), plan.size());
            return 1;
        }
        return 0;
    }

    StudyPlan plan() {
        List<String> w = workloads != null ? workloads : quick ? List.of("S4") : List.of("S1", "S2", "S3", "S4", "Q1", "L1");
        for (String name : w) {
            try {
                StudyWorkload.parse(name);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--workloads: " + e.getMessage());
            }
        }
        List<StudyPrecision> p = StudyOptions.precisions(spec, "--precisions", precisions);
        List<Integer> t = StudyOptions.threads(spec, threads != null ? threads : quick ? List.of("1") : List.of("1", "all"));
        int[] timing = quick ? StudyPlan.QUICK_TIMING : StudyPlan.DEFAULT_TIMING;
        return new StudyPlan(w.stream().map(s -> StudyWorkload.parse(s).name()).distinct().toList(), p,
                StudyOptions.shapes(spec, isa), t, timing[0], timing[1], timing[2], timing[3]);
    }
}
