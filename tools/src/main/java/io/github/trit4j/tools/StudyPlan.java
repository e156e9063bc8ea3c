package io.github.trit4j.tools;

import io.github.trit4j.bench.SteadyState;
import io.github.trit4j.bench.OpenBlas;
import io.github.trit4j.bench.StudyPrecision;
import io.github.trit4j.bench.StudyProducts;
import io.github.trit4j.bench.StudyWorkload;

import java.util.ArrayList;
import java.util.List;

/**
 * What a study run measures and how long each measurement takes.
 *
 * @param workloads         workload names ({@code S1}, ..., {@code C1}, ..., {@code MxNxK} or a convolution's id)
 * @param precisions        precisions, in study order (without {@link StudyPrecision#FP32_OPENBLAS_ENV}: see openBlasCore)
 * @param shapes            ISA shapes, each run in its own forked JVMs; fp32 OpenBLAS runs only in the first
 * @param threads           thread counts of the GEMM and network workloads
 * @param convThreads       thread counts of the convolution workloads
 * @param convPrecisions    precisions of the convolution workloads
 * @param openBlasCore      which OpenBLAS core(s) the fp32 OpenBLAS measurements run on
 * @param openBlasForcing   the OpenBLAS-forcing environment of this process ({@link OpenBlas#forcingEnvironment()}), "" if none
 * @param warmupIterations  JMH warm-up iterations per measurement that are thrown away unseen (the study uses 0: its
 *                          warm-up is found in the measurement iterations, {@link SteadyState})
 * @param warmupMillis      length of each
 * @param measureIterations JMH measurement iterations, the cap on warm-up + settled iterations
 * @param measureMillis     length of each
 * @param openBlasLibraries the OpenBLAS libraries the anchor is measured with ({@link OpenBlas.Source} ids); the faster
 *                          is the anchor
 */
public record StudyPlan(List<String> workloads, List<StudyPrecision> precisions, List<IsaShape> shapes,
                        List<Integer> threads, List<Integer> convThreads, List<StudyPrecision> convPrecisions,
                        OpenBlasCore openBlasCore,
                        String openBlasForcing, int warmupIterations, long warmupMillis,
                        int measureIterations, long measureMillis, List<String> openBlasLibraries) {

    /**
     * Default timing: up to 12 iterations of 300 ms per measurement, the first ones counted as warm-up until three
     * agree within 5% ({@link SteadyState}); a few minutes for the short default study on 2 cores, about 21 for
     * {@code --full}.
     */
    public static final int[] DEFAULT_TIMING = {0, 300, 12, 300};
    /** {@code --quick}: seconds, for smoke tests; numbers are indicative only. */
    public static final int[] QUICK_TIMING = {0, 200, 4, 200};

    /**
     * A plan with the default OpenBLAS handling (native core, every library this machine has) and conv workloads on
     * the GEMM thread counts and precisions.
     */
    public static StudyPlan of(List<String> workloads, List<StudyPrecision> precisions, List<IsaShape> shapes,
                               List<Integer> threads, int[] timing) {
        return new StudyPlan(workloads, precisions, shapes, threads, threads, precisions, OpenBlasCore.NATIVE,
                OpenBlas.forcingEnvironment(), timing[0], timing[1], timing[2], timing[3],
                OpenBlas.availableSources().stream().map(OpenBlas.Source::id).toList());
    }

    /** This plan with another OpenBLAS core choice. */
    public StudyPlan withOpenBlasCore(OpenBlasCore core) {
        return new StudyPlan(workloads, precisions, shapes, threads, convThreads, convPrecisions, core, openBlasForcing,
                warmupIterations, warmupMillis, measureIterations, measureMillis, openBlasLibraries);
    }

    /** This plan with other thread counts and precisions for the convolution workloads. */
    public StudyPlan withConv(List<Integer> t, List<StudyPrecision> p) {
        return new StudyPlan(workloads, precisions, shapes, threads, t, p, openBlasCore, openBlasForcing,
                warmupIterations, warmupMillis, measureIterations, measureMillis, openBlasLibraries);
    }

    /** This plan with other OpenBLAS libraries ({@link OpenBlas.Source} ids). */
    public StudyPlan withOpenBlasLibraries(List<String> libraries) {
        return new StudyPlan(workloads, precisions, shapes, threads, convThreads, convPrecisions, openBlasCore,
                openBlasForcing, warmupIterations, warmupMillis, measureIterations, measureMillis, List.copyOf(libraries));
    }

    /** Whether the figures are indicative only (too few iterations to find a settled window reliably). */
    public boolean indicative() {
        return measureIterations < 2 * SteadyState.WINDOW;
    }

    /**
     * One JMH run: a set of workloads x precisions x thread counts x OpenBLAS libraries in one ISA shape.
     *
     * @param cleanOpenBlasEnv run in a child JVM whose environment lacks {@link OpenBlas#FORCING_VARIABLES}
     * @param blas             values of the benchmark's {@code blas} parameter: the OpenBLAS libraries of an OpenBLAS
     *                         batch, {@code [bytedeco]} (unused) otherwise
     */
    public record Batch(IsaShape shape, List<String> workloads, List<StudyPrecision> precisions, List<Integer> threads,
                        boolean cleanOpenBlasEnv, List<String> blas) {

        /** A batch without OpenBLAS precisions. */
        public Batch(IsaShape shape, List<String> workloads, List<StudyPrecision> precisions, List<Integer> threads,
                     boolean cleanOpenBlasEnv) {
            this(shape, workloads, precisions, threads, cleanOpenBlasEnv, List.of(OpenBlas.Source.BYTEDECO.id()));
        }

        /** Measurements in this batch. */
        public int size() {
            return workloads.size() * precisions.size() * threads.size() * blas.size();
        }
    }

    /** The precisions measured in a shape: fp32 OpenBLAS (native code, unaffected by JVM flags) only in the first. */
    public List<StudyPrecision> precisionsFor(IsaShape shape) {
        return precisionsFor(shape, precisions);
    }

    private List<StudyPrecision> precisionsFor(IsaShape shape, List<StudyPrecision> chosen) {
        List<StudyPrecision> out = new ArrayList<>();
        for (StudyPrecision p : chosen) {
            if (p == StudyPrecision.FP32_OPENBLAS) {
                if (shape == shapes.get(0)) {
                    out.add(p);
                    if (openBlasCore == OpenBlasCore.BOTH && !openBlasForcing.isEmpty()) {
                        out.add(StudyPrecision.FP32_OPENBLAS_ENV);
                    }
                }
            } else if (p != StudyPrecision.FP32_OPENBLAS_ENV) {
                out.add(p);
            }
        }
        return out;
    }

    /** Whether the anchor FP32_OPENBLAS is measured in a child JVM with the forcing variables removed. */
    public boolean anchorInCleanEnv() {
        return openBlasCore != OpenBlasCore.ENV && !openBlasForcing.isEmpty();
    }

    /**
     * The precisions of the network workloads: the plan's precisions that a network has layers in
     * ({@link StudyProducts#NETWORK_PRECISIONS}: fp32, and the ternary ones as block modes).
     */
    public List<StudyPrecision> networkPrecisions() {
        return precisions.stream().filter(StudyProducts.NETWORK_PRECISIONS::contains).toList();
    }

    /**
     * The JMH runs, in order: per shape, per set of thread counts (GEMM workloads, convolution workloads; one
     * run when they share thread counts; then the network workloads, at the GEMM thread counts in
     * {@link #networkPrecisions()}), the anchor first when it needs its own JVM.
     */
    public List<Batch> batches() {
        List<String> gemm = ofKind(StudyWorkload.Kind.GEMM);
        List<String> conv = ofKind(StudyWorkload.Kind.CONV);
        List<String> network = ofKind(StudyWorkload.Kind.NETWORK);
        List<List<String>> sets = new ArrayList<>();
        List<List<Integer>> setThreads = new ArrayList<>();
        List<List<StudyPrecision>> setPrecisions = new ArrayList<>();
        if (!gemm.isEmpty() && !conv.isEmpty() && threads.equals(convThreads) && precisions.equals(convPrecisions)) {
            List<String> both = new ArrayList<>(gemm);
            both.addAll(conv);
            sets.add(workloads.stream().filter(both::contains).toList());
            setThreads.add(threads);
            setPrecisions.add(precisions);
        } else {
            if (!gemm.isEmpty()) {
                sets.add(gemm);
                setThreads.add(threads);
                setPrecisions.add(precisions);
            }
            if (!conv.isEmpty()) {
                sets.add(conv);
                setThreads.add(convThreads);
                setPrecisions.add(convPrecisions);
            }
        }
        if (!network.isEmpty() && !networkPrecisions().isEmpty()) {
            sets.add(network);
            setThreads.add(threads);
            setPrecisions.add(networkPrecisions());
        }
        List<Batch> out = new ArrayList<>();
        for (IsaShape shape : shapes) {
            for (int i = 0; i < sets.size(); i++) {
                List<StudyPrecision> all = precisionsFor(shape, setPrecisions.get(i));
                boolean clean = anchorInCleanEnv() && all.contains(StudyPrecision.FP32_OPENBLAS);
                List<StudyPrecision> inherit = clean
                        ? all.stream().filter(p -> p != StudyPrecision.FP32_OPENBLAS).toList() : all;
                if (clean) {
                    out.add(new Batch(shape, sets.get(i), List.of(StudyPrecision.FP32_OPENBLAS), setThreads.get(i), true,
                            openBlasLibraries));
                }
                // the OpenBLAS precisions run once per library; the others do not depend on it
                List<StudyPrecision> blas = inherit.stream().filter(StudyPrecision::isOpenBlas).toList();
                List<StudyPrecision> rest = inherit.stream().filter(p -> !p.isOpenBlas()).toList();
                if (!blas.isEmpty()) {
                    out.add(new Batch(shape, sets.get(i), blas, setThreads.get(i), false, openBlasLibraries));
                }
                if (!rest.isEmpty()) {
                    out.add(new Batch(shape, sets.get(i), rest, setThreads.get(i), false));
                }
            }
        }
        return out;
    }

    private List<String> ofKind(StudyWorkload.Kind kind) {
        return workloads.stream().filter(w -> StudyWorkload.parse(w).kind() == kind).toList();
    }

    /** Number of measurements of the whole plan. */
    public int size() {
        return batches().stream().mapToInt(Batch::size).sum();
    }

    /** JMH timing as {warm-up iterations, ms, measurement iterations, ms}. */
    public int[] timing() {
        return new int[] {warmupIterations, (int) warmupMillis, measureIterations, (int) measureMillis};
    }
}
