package io.github.trit4j.tools;

import io.github.trit4j.bench.SteadyState;
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
                        + "square and a batch-1 linear layer, and the ResNet-18 3x3 layers as convolutions (trit4j's "
                        + "Conv2d; fp32 and int8 as im2col + GEMM), and the whole ResNet-18 at 224x224, batch 1 and 8 "
                        + "(FATNN, conventional and ternary x 2-bit blocks with a float stem and classifier, against the "
                        + "fp32 network through OpenBLAS, and PyTorch's int8 and fp32 ResNet-18 when /usr/bin/python3 "
                        + "has torch); speedup over fp32 OpenBLAS and GMAC/s; the network table in ms per batch and "
                        + "images/s.",
                "JMH in forked JVMs; each figure from its settled iterations (warm-up recorded). The default is a short "
                        + "study (a few minutes on 2 cores): GEMM S2 and S4, convolution C3 and the whole ResNet-18 at "
                        + "batch 1 beside PyTorch's int8 and fp32 ResNet-18, 1 thread, fp32 OpenBLAS, int8, conventional "
                        + "ternary and FATNN, time to peak in 1 fresh JVM per mode. --full runs the whole study; --quick "
                        + "takes seconds (indicative numbers).",
                "fp32 OpenBLAS runs on the CPU's own core: if OPENBLAS_CORETYPE or OPENBLAS_L2_SIZE is set, in a child JVM "
                        + "without them (--openblas-core)."})
public final class BenchCommand implements Callable<Integer> {

    /**
     * The short study, {@code trit4j bench} with no options (a few minutes on 2 cores): two ResNet-18 layers as GEMM
     * (S2, S4), one as a convolution (C3) and the whole ResNet-18 at batch 1 (with PyTorch's anchors).
     */
    static final List<String> SHORT_WORKLOADS = List.of("S2", "S4", "C3", "resnet18-b1");

    /**
     * Precisions of the short study: the fp32 anchor, the int8 baseline, conventional ternary and FATNN (the network
     * workload runs the ones a network has: int8 is dropped there).
     */
    static final List<String> SHORT_PRECISIONS = List.of("FP32_OPENBLAS", "INT8", "TERNARY_CONVENTIONAL",
            "TERNARY_FATNN");

    /** Time-to-peak JVMs per workload and mode of the short study. */
    static final int SHORT_TIME_TO_PEAK_JVMS = 1;

    /**
     * The full study's workloads ({@code --full}): GEMMs, the ResNet-18 3x3 layers as convolutions, and the whole
     * ResNet-18 (batch 1 and 8).
     */
    static final List<String> FULL_WORKLOADS = List.of("S1", "S2", "S3", "S4", "Q1", "L1", "C1", "C2", "C3", "C4",
            "resnet18");

    /** Precisions of the full study's convolution workloads: the baselines, conventional ternary and FATNN (time budget). */
    static final List<String> FULL_CONV_PRECISIONS = List.of("FP32_OPENBLAS", "FP32_VECTOR", "INT8",
            "TERNARY_CONVENTIONAL", "TERNARY_FATNN");

    /** Time-to-peak JVMs per workload and mode of the full study. */
    static final int FULL_TIME_TO_PEAK_JVMS = 3;

    @Option(names = "--quick", description = "Seconds-long smoke run, indicative figures only: up to 4 x 200 ms iterations; "
            + "unless given (or --full), workloads S4 and threads 1.")
    boolean quick;

    @Option(names = "--full", description = "The full study (over 20 minutes on 2 cores): workloads "
            + "S1,S2,S3,S4,Q1,L1,C1,C2,C3,C4,resnet18, every precision, threads 1 and all (convolutions at 1 thread in "
            + "FP32_OPENBLAS,FP32_VECTOR,INT8,TERNARY_CONVENTIONAL,TERNARY_FATNN), time to peak in 3 fresh JVMs per "
            + "mode. Options given beside it replace its values.")
    boolean full;

    @Option(names = "--isa", split = ",", paramLabel = "SHAPE", defaultValue = "native",
            description = "Kernel shapes, each in its own JVMs: native (the one the JVM picks), avx512 (native, where "
                    + "that is AVX512), avx2 (-XX:UseAVX=2, trit4j AVX2), neon (-XX:MaxVectorSize=16, trit4j NEON "
                    + "shape; x86 numbers, not an ARM claim), scalar, all (native, avx2, neon). Any case; the same "
                    + "vocabulary as verify (default: ${DEFAULT-VALUE}).")
    List<String> isa;

    @Option(names = "--threads", split = ",", paramLabel = "N",
            description = "Thread counts, numbers or 'all' (default: 1; with --full: 1,all).")
    List<String> threads;

    @Option(names = "--workloads", split = ",", paramLabel = "W",
            description = "Workloads: S1 S2 S3 S4 (ResNet-18 3x3 layers as GEMM), Q1 Q2 (squares), L1 (batch-1 "
                    + "linear), MxNxK, C1 C2 C3 C4 (the same layers as convolutions: 64ch 56x56, 128ch 28x28, 256ch "
                    + "14x14, 512ch 7x7, 3x3 stride 1 pad 1), D2 D3 D4 (stride-2 3x3), P1 (1x1) or "
                    + "conv<C>x<H>x<W>o<O>k<kernel>s<stride>p<pad>, resnet18 (the whole network at batch 1 and "
                    + "8, resnet18-b1 or resnet18-b8 for one, at the --threads counts, in the fp32 and ternary "
                    + "precisions and PyTorch's int8 and fp32) (default: S2,S4,C3,resnet18-b1; with --full: "
                    + "S1,S2,S3,S4,Q1,L1,C1,C2,C3,C4,resnet18; with --quick: S4).")
    List<String> workloads;

    @Option(names = "--conv-threads", split = ",", paramLabel = "N",
            description = "Thread counts of the convolution workloads (default: 1; the --threads values if --threads is given).")
    List<String> convThreads;

    @Option(names = "--conv-precisions", split = ",", paramLabel = "P",
            description = "Precisions of the convolution workloads (default: the --precisions values; with --full: "
                    + "FP32_OPENBLAS,FP32_VECTOR,INT8,TERNARY_CONVENTIONAL,TERNARY_FATNN unless --precisions is given).")
    List<String> convPrecisions;

    @Option(names = "--openblas-core", paramLabel = "WHICH", defaultValue = "native",
            description = "OpenBLAS core of the fp32 anchor: native (the CPU's own; if OPENBLAS_CORETYPE or OPENBLAS_L2_SIZE "
                    + "is set, measured in a child JVM with them removed), env (as the environment forces), both (the "
                    + "anchor on the native core plus FP32_OPENBLAS_ENV on the forced one) (default: ${DEFAULT-VALUE}).")
    OpenBlasCore openBlasCore;

    @Option(names = "--precisions", split = ",", paramLabel = "P",
            description = "Precisions: FP32_OPENBLAS FP32_VECTOR INT8 TWO_BIT TERNARY_CONVENTIONAL TERNARY_FATNN "
                    + "TERNARY_TWO_BIT BINARY, PYTORCH (the network workloads' PyTorch int8 and fp32 anchors, run by "
                    + "/usr/bin/python3 if it has torch, else marked not measured; -Dtrit4j.python=PATH for another) "
                    + "or all (default: FP32_OPENBLAS,INT8,TERNARY_CONVENTIONAL,TERNARY_FATNN and PyTorch's anchors; "
                    + "with --full or --quick: all). Speedups need FP32_OPENBLAS.")
    List<String> precisions;

    @Option(names = "--time-to-peak-jvms", paramLabel = "N",
            description = "Fresh JVMs per workload for the time-to-peak table (ternary FATNN, 1 thread, native shape; "
                    + "also with the AOT cache of 'trit4j aot-train', which bench records first if it is missing or "
                    + "older than the jar); 0 skips it (default: 1; with --full: 3).")
    Integer timeToPeakJvms;

    @Option(names = "--no-aot-train",
            description = "Do not record the AOT cache when it is missing: time to peak with the default JVM only.")
    boolean noAotTrain;

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
        console.printf("trit4j bench: %d measurements (%s; %s; ISA shapes %s; threads %s, convolutions %s), JMH up to "
                        + "%d x %d ms iterations per measurement, the first counted as warm-up until %d agree within %d%%, "
                        + "1 fork each%n",
                plan.size(), String.join(",", plan.workloads()),
                String.join(",", plan.precisions().stream().map(Enum::name).toList()),
                String.join(",", plan.shapes().stream().map(IsaShape::id).toList()), plan.threads(),
                plan.convThreads() + (plan.convPrecisions().equals(plan.precisions()) ? ""
                        : " " + String.join(",", plan.convPrecisions().stream().map(Enum::name).toList())),
                plan.warmupIterations() + plan.measureIterations(), plan.measureMillis(), SteadyState.WINDOW,
                SteadyState.TOLERANCE_PERCENT);
        if (plan.indicative()) {
            console.println("--quick: " + plan.measureIterations() + " iterations per measurement are too few to show a "
                    + "steady state; the figures are INDICATIVE ONLY, not for publication.");
        }
        if (plan.precisions().contains(StudyPrecision.FP32_OPENBLAS)
                || plan.convPrecisions().contains(StudyPrecision.FP32_OPENBLAS)) {
            console.println("fp32 OpenBLAS libraries: " + String.join(", ", plan.openBlasLibraries())
                    + " (each measured; the faster is the anchor)");
        }
        console.println(StudyReport.machineLine(fingerprint));
        console.flush();
        if (plan.anchorInCleanEnv()) {
            console.println("OpenBLAS: this environment forces " + plan.openBlasForcing() + "; the fp32 anchor runs in a "
                    + "child JVM without it (the CPU's own core)" + (plan.openBlasCore() == OpenBlasCore.BOTH
                    ? ", FP32_OPENBLAS_ENV with it" : "; --openblas-core both measures the forced core too"));
        }
        console.flush();
        List<Measurement> measurements;
        try {
            measurements = StudyRunner.run(plan, fingerprint, console);
        } catch (org.openjdk.jmh.runner.RunnerException e) {
            spec.commandLine().getErr().println("trit4j bench: " + OneOffRun.jmhMessage(e));
            return 1;
        }
        measurements = pyTorchAnchors(plan, measurements, fingerprint, console);
        if (measurements.isEmpty()) {
            spec.commandLine().getErr().println("trit4j bench: no measurement succeeded");
            return 1;
        }
        measurements = timeToPeak(plan, measurements, console);
        StudyReport.write(measurements, out, "trit4j speedup study", plan.indicative(), console);
        if (measurements.size() < plan.size()) {
            spec.commandLine().getErr().printf("trit4j bench: %d of %d measurements failed%n",
                    plan.size() - measurements.size(), plan.size());
            return 1;
        }
        return 0;
    }

    /**
     * The PyTorch anchors of the network workloads ({@link PyTorchAnchors}), when {@link #withPyTorch()}: added to
     * the measurements, or a line saying why they were not measured.
     */
    private List<Measurement> pyTorchAnchors(StudyPlan plan, List<Measurement> measurements,
                                             MachineFingerprint fingerprint, PrintWriter console) throws Exception {
        if (!withPyTorch() || plan.workloads().stream()
                .noneMatch(w -> StudyWorkload.parse(w).kind() == StudyWorkload.Kind.NETWORK)) {
            return measurements;
        }
        java.nio.file.Path python = PyTorchAnchors.python();
        console.println("PyTorch anchors (int8 and fp32 ResNet-18, tools/torch/resnet_anchor.py) with " + python + ":");
        console.flush();
        PyTorchAnchors.Outcome o = PyTorchAnchors.run(python, plan.workloads(), plan.threads(), plan.timing(),
                fingerprint, plan.shapes().get(0), console);
        o.notMeasured().ifPresent(why -> console.println("PyTorch anchors not measured: " + why));
        console.flush();
        List<Measurement> all = new java.util.ArrayList<>(measurements);
        all.addAll(o.measurements());
        return all;
    }

    /** Whether the PyTorch anchors run: {@code --precisions} not given, or naming {@code all} or {@code pytorch}. */
    boolean withPyTorch() {
        return precisions == null || precisions.stream().map(v -> v.trim().toUpperCase(java.util.Locale.ROOT))
                .anyMatch(v -> v.equals("ALL") || v.equals(StudyOptions.PYTORCH));
    }

    /**
     * Runs the time-to-peak JVMs for the plan's workloads (networks at batch 1), if FATNN ran at 1 thread on the
     * native shape.
     */
    private List<Measurement> timeToPeak(StudyPlan plan, List<Measurement> measurements, PrintWriter console)
            throws Exception {
        int jvms = timeToPeakJvms != null ? timeToPeakJvms : full && !quick ? FULL_TIME_TO_PEAK_JVMS
                : SHORT_TIME_TO_PEAK_JVMS;
        if (jvms < 0) {
            throw new ParameterException(spec.commandLine(), "--time-to-peak-jvms must be >= 0, got " + jvms);
        }
        // batch 1 only: a network's batch-8 run says nothing more about the JIT's warm-up, at eight times the cost
        List<String> ws = plan.workloads().stream().filter(w -> StudyWorkload.parse(w).batch() == 1)
                .filter(w -> measurements.stream().anyMatch(m -> m.workload().equals(w)
                && m.precision().equals(TimeToPeakRunner.PRECISION.name()) && m.threads() == 1
                && m.isaShape().equals(IsaShape.NATIVE.id()))).toList();
        if (jvms == 0 || ws.isEmpty()) {
            return measurements;
        }
        java.util.Optional<Path> aot = TimeToPeakRunner.usableAotCache();
        java.util.Optional<Path> target = TimeToPeakRunner.defaultAotCache();
        if (aot.isEmpty() && !noAotTrain && target.isPresent()) {
            // the AOT column is part of the study: record the cache as 'trit4j aot-train' would (shorter with --quick)
            if (AotTrainCommand.record(target.get(), quick ? 0.5 : 2, console)) {
                aot = TimeToPeakRunner.usableAotCache();
            } else {
                console.println("The AOT training run failed: time to peak with the default JVM only.");
            }
        }
        console.println("Time to peak: " + jvms + " fresh JVM(s) per workload and mode, alternating: the default JVM, "
                + "the library's warm-up before the first call (GEMM and convolution; timed on its own)" + (aot.isPresent()
                ? ", the AOT cache " + aot.get() : " (no AOT cache: 'trit4j aot-train' records one)")
                + "; ternary FATNN, 1 thread; each run ends on a steady state, or after "
                + String.format(java.util.Locale.ROOT, "%.0f", quick ? 5 : TimeToPeakRunner.MAX_SECONDS) + " s, marked");
        console.flush();
        return TimeToPeakRunner.attach(measurements, TimeToPeakRunner.run(ws, IsaShape.NATIVE, jvms, quick ? 1.5 : 3,
                quick ? 5 : TimeToPeakRunner.MAX_SECONDS, aot, console), IsaShape.NATIVE);
    }

    /**
     * The plan the options give: each option given explicitly wins; otherwise {@code --full} the full study's value,
     * {@code --quick} the smoke run's, and no option the short study's.
     */
    StudyPlan plan() {
        List<String> w = workloads != null ? workloads : full ? FULL_WORKLOADS : quick ? List.of("S4") : SHORT_WORKLOADS;
        for (String name : w) {
            try {
                StudyWorkload.parse(name);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--workloads: " + e.getMessage());
            }
        }
        List<StudyPrecision> p = StudyOptions.precisions(spec, "--precisions", precisions != null ? precisions
                : full || quick ? List.of("all") : SHORT_PRECISIONS);
        List<StudyPrecision> cp = convPrecisions != null ? StudyOptions.precisions(spec, "--conv-precisions", convPrecisions)
                : precisions != null || !full ? p : StudyOptions.precisions(spec, "--conv-precisions", FULL_CONV_PRECISIONS);
        List<Integer> t = StudyOptions.threads(spec, threads != null ? threads : full ? List.of("1", "all") : List.of("1"));
        List<Integer> ct = convThreads != null ? StudyOptions.threads(spec, convThreads)
                : threads != null ? t : List.of(1);
        int[] timing = quick ? StudyPlan.QUICK_TIMING : StudyPlan.DEFAULT_TIMING;
        StudyPlan plan = StudyPlan.of(w.stream().flatMap(s -> StudyWorkload.expand(s).stream()).map(StudyWorkload::name)
                        .distinct().toList(), p,
                StudyOptions.shapes(spec, isa), t, timing).withConv(ct, cp).withOpenBlasCore(openBlasCore);
        if (plan.networkPrecisions().isEmpty() && !withPyTorch() && w.stream().anyMatch(s -> StudyWorkload.parse(s).kind()
                == StudyWorkload.Kind.NETWORK)) {
            throw new ParameterException(spec.commandLine(), "--precisions: a network workload needs one of "
                    + io.github.trit4j.bench.StudyProducts.NETWORK_PRECISIONS + ", got " + p);
        }
        return plan;
    }
}
