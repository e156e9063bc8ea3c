package io.github.trit4j.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The speedup study (issue 5): one product of one workload at one precision, kernel shape and
 * thread count per trial. Driven by {@code trit4j bench}, which runs it per ISA shape in
 * forked JVMs with that shape's flags and turns the scores into speedups over fp32 OpenBLAS:
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar StudyBenchmark -p workload=S1,L1 -p precision=FP32_OPENBLAS,TERNARY_FATNN
 * </pre>
 *
 * <p>{@code workload} is a name of {@link StudyWorkload#NAMED} (GEMMs and convolutions), {@code MxNxK}
 * or a convolution's {@link ConvShape#id()}. If the system
 * property {@value #FACTS_PROPERTY} names a file, setup appends one JSON object per trial and line
 * ({@link TrialFacts}: the trial's parameters and what ran, e.g. {@code trit4j AVX512},
 * {@code OpenBLAS 0.3.21 Cooperlake (system)}); the driver reads it back.
 *
 * <p>Fork flags as in {@link GemmBenchmark} (prepended and appended, because JMH's
 * {@code -jvmArgsAppend} replaces the annotation's list).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1,
        jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xms1g", "-Xmx1g"},
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
public class StudyBenchmark {

    /**
     * The kernels log their dispatch choice once per JVM at INFO; the study's driver prints
     * the shape of every measurement itself, so the forks keep that line out of its progress
     * output. Held in a static field: JUL forgets the level of a logger nobody references.
     */
    private static final java.util.logging.Logger KERNELS_LOG = quietKernelsLog();

    private static java.util.logging.Logger quietKernelsLog() {
        java.util.logging.Logger log = java.util.logging.Logger.getLogger("io.github.trit4j");
        log.setLevel(java.util.logging.Level.WARNING);
        return log;
    }


    /** System property naming the file that setup appends what ran to. */
    public static final String FACTS_PROPERTY = "trit4j.study.facts";

    /**
     * Workload: a name ({@code S1..S4, Q1, Q2, L1} GEMMs, {@code C1..C4, D2..D4, P1} convolutions), {@code MxNxK}
     * or {@code conv<C>x<H>x<W>o<O>k<kernel>s<stride>p<pad>}.
     */
    @Param({"S1", "S2", "S3", "S4", "Q1", "L1"})
    public String workload;

    /** Precision and implementation. */
    @Param({"FP32_OPENBLAS", "FP32_VECTOR", "INT8", "TWO_BIT", "TERNARY_CONVENTIONAL", "TERNARY_FATNN",
            "TERNARY_TWO_BIT", "BINARY"})
    public StudyPrecision precision;

    /** trit4j kernel shape: {@code AUTO} or an {@link io.github.trit4j.Isa} name. */
    @Param({"AUTO"})
    public String isa;

    /** Threads per product. */
    @Param({"1"})
    public int threads;

    /** The OpenBLAS library of the OpenBLAS precisions: {@code bytedeco} or {@code system} ({@link OpenBlas.Source}). */
    @Param({"bytedeco"})
    public String blas;

    private StudyProduct product;

    @Setup
    public void setup() {
        StudyWorkload parsed = StudyWorkload.parse(workload);
        prewarm(parsed);
        product = StudyProducts.create(parsed, precision, isa, threads, OpenBlas.Source.parse(blas));
        product.run(); // builds anything cached on first use (column panels, derived planes)
        String facts = System.getProperty(FACTS_PROPERTY);
        if (facts != null && !facts.isBlank()) {
            TrialFacts.append(Path.of(facts),
                    new TrialFacts(workload, precision.name(), isa, threads, blas, product.kernel()));
        }
    }

    /**
     * Runs the same code on a small copy of a GEMM workload (M, N at most 64, same K) for up
     * to 300 ms, so that its loops are C2-compiled before JMH's warm-up starts. Without it a
     * large product such as Q1 can spend JMH's short warm-up iterations in one interpreted or
     * OSR-compiled call per iteration (seen: the Vector API fp32 GEMM at 2.6 GMAC/s on Q1
     * against 80 on S1).
     */
    private void prewarm(StudyWorkload w) {
        if (w.kind() != StudyWorkload.Kind.GEMM || (w.m() <= 64 && w.n() <= 64)) {
            return;
        }
        StudyWorkload small = new StudyWorkload(w.name() + "-prewarm", StudyWorkload.Kind.GEMM,
                Math.min(w.m(), 64), Math.min(w.n(), 64), w.k());
        StudyProduct warm = StudyProducts.create(small, precision, isa, threads, OpenBlas.Source.parse(blas));
        try {
            long end = System.nanoTime() + 300_000_000L;
            for (int i = 0; i < 2000 && System.nanoTime() < end; i++) {
                warm.run();
            }
        } finally {
            warm.close();
        }
    }

    @Benchmark
    public void multiply() {
        product.run();
    }

    @TearDown
    public void tearDown() {
        product.close();
    }
}
