package io.github.trit4j.bench;

import io.github.trit4j.Algorithm;
import io.github.trit4j.Gemm;
import io.github.trit4j.GemmEngine;
import io.github.trit4j.Isa;
import io.github.trit4j.PackedMatrix;
import io.github.trit4j.Precision;
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
import org.openjdk.jmh.annotations.Warmup;

import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Packed GEMM, {@code out[i*N + j] = sum_k W[i][k] * X[j][k]}, for one problem shape, one
 * precision pair and one kernel shape (ISA) per trial.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar GemmBenchmark -p shape=S1,S4 -p pair=FATNN,CONVENTIONAL_TNN
 * java -jar bench/target/benchmarks.jar GemmBenchmark -p shape=S1 -p pair=FATNN -p isa=AVX2 \
 *      -jvmArgsAppend -XX:UseAVX=2
 * java -cp bench/target/benchmarks.jar io.github.trit4j.bench.GmacReport -p shape=S1   # + GMAC/s table
 * </pre>
 *
 * <p>Throughput in the sense of docs/DESIGN.md, Measuring (useful MACs per second,
 * {@code M*N*K / time}, K unpadded) is printed by {@link GmacReport}.
 *
 * <p>Fork JVM flags: {@code --add-modules jdk.incubator.vector -Xms1g -Xmx1g}. They are given
 * both as {@code jvmArgsPrepend} and {@code jvmArgsAppend}: JMH's command-line
 * {@code -jvmArgsAppend} <em>replaces</em> the annotation's list instead of adding to it, so
 * without the prepended copy {@code -jvmArgsAppend -XX:UseAVX=2} would start the fork without
 * the vector module (and every vector ISA would fail to load). Repeating the flags is harmless.
 *
 * <p>State is per benchmark thread: with JMH's {@code -t 2 -p threads=1} each of two threads
 * multiplies its own operands into its own output, the upper bound that a 2-thread product
 * ({@code -t 1 -p threads=2}) could reach on this machine.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1,
        jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector", "-Xms1g", "-Xmx1g"},
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
public class GemmBenchmark {

    /** Seed of the random operands: every trial of a given shape and pair multiplies the same matrices. */
    public static final long SEED = 0x7217_4A5EEDL;

    /**
     * Problem shapes (M, N, K). S1..S4 are the ResNet-18 3x3 convolution layers after im2col
     * (docs/DESIGN.md, Measuring); Q1 is a square GEMM, L1 a matrix-vector product (one token).
     */
    public enum Shape {
        S1(64, 3136, 576),
        S2(128, 784, 1152),
        S3(256, 196, 2304),
        S4(512, 49, 4608),
        Q1(1024, 1024, 1024),
        Q2(2048, 2048, 2048),
        L1(4096, 1, 4096);

        /** Output channels: rows of the weights. */
        public final int m;
        /** Output columns: rows of the activations. */
        public final int n;
        /** Reduction length, unpadded. */
        public final int k;

        Shape(int m, int n, int k) {
            this.m = m;
            this.n = n;
            this.k = k;
        }

        /** Useful multiply-accumulates of one product, {@code M*N*K} with K unpadded. */
        public long macs() {
            return (long) m * n * k;
        }
    }

    /** Precision pairs (weights x activations) and the algorithm that multiplies them. */
    public enum Pair {
        /** FATNN: ternary weights x unsigned ternary activations {0,1,2}, 2 popcounts per word. */
        FATNN(Precision.TERNARY, Precision.TERNARY_UNSIGNED, Algorithm.FATNN),
        /** The same operands through the conventional 2-bit-code product, 4 popcounts per word. */
        CONVENTIONAL_TNN(Precision.TERNARY, Precision.TERNARY_UNSIGNED, Algorithm.CONVENTIONAL),
        /** Ternary weights x 2-bit activations {0..3}. */
        TERNARY_TWO_BIT(Precision.TERNARY, Precision.TWO_BIT, Algorithm.FATNN),
        /** Ternary weights x signed ternary activations {-1,0,1}. */
        TERNARY_TERNARY(Precision.TERNARY, Precision.TERNARY, Algorithm.FATNN),
        /** 2-bit x 2-bit (DoReFa-style unsigned codes), 4 popcounts per word. */
        TWO_BIT(Precision.TWO_BIT, Precision.TWO_BIT, Algorithm.FATNN),
        /** Binary x binary {-1,+1}, 1 popcount per word. */
        BINARY(Precision.BINARY, Precision.BINARY, Algorithm.FATNN);

        /** Precision of the weights (M x K). */
        public final Precision weights;
        /** Precision of the activations (N x K). */
        public final Precision activations;
        /** Algorithm passed to {@link GemmEngine#multiply(PackedMatrix, PackedMatrix, Algorithm, int[])}. */
        public final Algorithm algorithm;

        Pair(Precision weights, Precision activations, Algorithm algorithm) {
            this.weights = weights;
            this.activations = activations;
            this.algorithm = algorithm;
        }
    }

    /** Problem shape; Q1, Q2 and L1 are available with {@code -p shape=Q1,Q2,L1}. */
    @Param({"S1", "S2", "S3", "S4"})
    public Shape shape;

    /** Precision pair and algorithm. */
    @Param({"FATNN", "CONVENTIONAL_TNN", "TERNARY_TWO_BIT", "TERNARY_TERNARY", "TWO_BIT", "BINARY"})
    public Pair pair;

    /** {@code AUTO} for the shape this JVM dispatches to ({@link Gemm#engine()}), or an {@link Isa} name. */
    @Param({"AUTO"})
    public String isa;

    /** Threads per product ({@link GemmEngine#withThreads(int)}). */
    @Param({"1"})
    public int threads;

    private GemmEngine engine;
    private PackedMatrix weights;
    private PackedMatrix activations;
    private Algorithm algorithm;
    private int[] out;

    @Setup
    public void setup() {
        engine = engine(isa).withThreads(threads);
        if ("AUTO".equalsIgnoreCase(isa.trim())) {
            // goes to the fork's stdout, which JMH shows: which shape AUTO meant in this run
            System.out.println("# trit4j AUTO -> " + engine.isa() + " (" + Gemm.dispatchReason() + ")");
        }
        SplittableRandom random = new SplittableRandom(SEED);
        weights = PackedMatrix.pack(pair.weights, randomValues(random, pair.weights, shape.m, shape.k),
                shape.m, shape.k);
        activations = PackedMatrix.pack(pair.activations, randomValues(random, pair.activations, shape.n, shape.k),
                shape.n, shape.k);
        algorithm = pair.algorithm;
        out = new int[shape.m * shape.n];
        // one product up front: derived views that some algorithms cache on first use (the
        // conventional product's 2-bit codes, the ternary activations' offset planes) are built
        // here, so that no measured or warm-up call pays for them
        engine.multiply(weights, activations, algorithm, out);
    }

    @Benchmark
    public int[] multiply() {
        engine.multiply(weights, activations, algorithm, out);
        return out;
    }

    /** The engine a value of the {@code isa} parameter names. */
    static GemmEngine engine(String isa) {
        String name = isa.trim().toUpperCase(Locale.ROOT);
        if (name.equals("AUTO")) {
            return Gemm.engine();
        }
        Isa chosen;
        try {
            chosen = Isa.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("isa=" + isa + " is neither AUTO nor one of "
                    + java.util.Arrays.toString(Isa.values()), e);
        }
        return GemmEngine.of(chosen);
    }

    /** Uniformly random members of {@code precision}'s value set, {@code rows * cols} of them, row-major. */
    static byte[] randomValues(SplittableRandom random, Precision precision, int rows, int cols) {
        byte[] values = new byte[Math.multiplyExact(rows, cols)];
        for (int i = 0; i < values.length; i++) {
            values[i] = switch (precision) {
                case BINARY -> (byte) (random.nextBoolean() ? 1 : -1);
                default -> (byte) random.nextInt(precision.min(), precision.max() + 1);
            };
        }
        return values;
    }
}
