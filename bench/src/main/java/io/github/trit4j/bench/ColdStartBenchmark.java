package io.github.trit4j.bench;

import io.github.trit4j.Gemm;
import io.github.trit4j.GemmEngine;
import io.github.trit4j.PackedMatrix;
import io.github.trit4j.Precision;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * What the library's own start-up adds to a fresh JVM's first calls, split into its parts:
 * each benchmark is one cold call per fork (JMH single-shot time, no warm-up), so the score is
 * the mean over forks of a first call:
 * <ul>
 *   <li>{@code dispatch}: the first {@link Gemm#engine()} (CPU flags, the JIT's vector shape, the
 *   kernel classes, the dispatch log record handed to a background thread);</li>
 *   <li>{@code firstPack}: packing the weights and activations of a 64 x 500 x 576 FATNN product
 *   once the engine exists;</li>
 *   <li>{@code firstProduct}: that product's first multiply once its operands are packed (the
 *   helper threads start here; the rest is the JIT's cold code).</li>
 * </ul>
 * Run: {@code java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar
 * ColdStartBenchmark -f 20}.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1, batchSize = 1)
@Fork(value = 10, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Benchmark)
public class ColdStartBenchmark {

    static final int M = 64;
    static final int N = 500;
    static final int K = 576;

    byte[] weights;
    byte[] activations;
    GemmEngine engine;
    PackedMatrix w;
    PackedMatrix x;

    @Setup
    public void setUp(org.openjdk.jmh.infra.BenchmarkParams params) {
        SplittableRandom rnd = new SplittableRandom(1);
        weights = new byte[M * K];
        activations = new byte[N * K];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (byte) (rnd.nextInt(3) - 1);
        }
        for (int i = 0; i < activations.length; i++) {
            activations[i] = (byte) rnd.nextInt(3);
        }
        String bench = params.getBenchmark();
        if (!bench.endsWith(".dispatch")) {
            engine = Gemm.engine();
        }
        if (bench.endsWith(".firstProduct")) {
            w = PackedMatrix.pack(Precision.TERNARY, weights, M, K);
            x = PackedMatrix.pack(Precision.TERNARY_UNSIGNED, activations, N, K);
        }
    }

    @Benchmark
    public GemmEngine dispatch() {
        return Gemm.engine();
    }

    @Benchmark
    public PackedMatrix firstPack() {
        PackedMatrix pw = PackedMatrix.pack(Precision.TERNARY, weights, M, K);
        return PackedMatrix.pack(Precision.TERNARY_UNSIGNED, activations, N, K).rows() > 0 ? pw : null;
    }

    @Benchmark
    public int[] firstProduct() {
        return engine.multiply(w, x);
    }
}
