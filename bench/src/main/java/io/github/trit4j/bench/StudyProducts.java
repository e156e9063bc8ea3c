package io.github.trit4j.bench;

import io.github.trit4j.nn.ConvMode;
import io.github.trit4j.nn.Network;
import io.github.trit4j.nn.NetworkOptions;
import io.github.trit4j.nn.ResNets;
import io.github.trit4j.nn.gemm.FloatGemm;
import io.github.trit4j.nn.gemm.Fp32VectorGemm;
import io.github.trit4j.Gemm;
import io.github.trit4j.GemmEngine;
import io.github.trit4j.PackedMatrix;
import io.github.trit4j.Precision;
import io.github.trit4j.conv.Conv2d;
import io.github.trit4j.conv.Layout;

import java.util.SplittableRandom;

/**
 * Builds the {@link StudyProduct} for a workload, precision, kernel shape and thread count,
 * on random operands drawn from a fixed seed.
 *
 * <p>Operands: trit4j's are uniform over their precision's value set and packed once; int8's
 * are uniform signed bytes; fp32's are uniform in [-1, 1). Every measured product therefore
 * starts from prepared operands (weights and activations packed), as in {@link GemmBenchmark}.
 */
public final class StudyProducts {

    /** Seed of the operands. */
    public static final long SEED = GemmBenchmark.SEED;

    private StudyProducts() {
    }

    /**
     * A prepared product.
     *
     * @param isa {@code AUTO} or an {@link io.github.trit4j.Isa} name; only trit4j's products use it
     */
    public static StudyProduct create(StudyWorkload workload, StudyPrecision precision, String isa, int threads) {
        return create(workload, precision, isa, threads, OpenBlas.Source.BYTEDECO);
    }

    /**
     * A prepared product; the OpenBLAS precisions call the library of {@code blas}.
     *
     * @param isa {@code AUTO} or an {@link io.github.trit4j.Isa} name; only trit4j's products use it
     */
    public static StudyProduct create(StudyWorkload workload, StudyPrecision precision, String isa, int threads,
                                      OpenBlas.Source blas) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        if (workload.kind() == StudyWorkload.Kind.NETWORK) {
            return network(workload, precision, isa, threads, blas);
        }
        SplittableRandom random = new SplittableRandom(SEED);
        if (workload.kind() == StudyWorkload.Kind.CONV) {
            return conv(workload.conv(), precision, random, isa, threads, blas);
        }
        int m = workload.m();
        int n = workload.n();
        int k = workload.k();
        return switch (precision) {
            case FP32_OPENBLAS, FP32_OPENBLAS_ENV ->
                    openBlas(OpenBlas.load(blas), randomFloats(random, m * k), randomFloats(random, n * k), m, n, k,
                            threads);
            case FP32_VECTOR -> fp32Vector(randomFloats(random, m * k), randomFloats(random, n * k), m, n, k, threads);
            case INT8 -> int8Vector(randomBytes(random, m * k), randomBytes(random, n * k), m, n, k, threads);
            default -> trit4j(precision, random, m, n, k, isa, threads);
        };
    }

    /**
     * A convolution, batch 1, NCHW: weights drawn first (O x C x k x k), then the input (C x H x W).
     * trit4j's precisions run {@link Conv2d} on integer codes with the precision's algorithm (input
     * packed onto bit-planes per pixel, im2col onto packed patch rows, packed GEMM, int32 NCHW out);
     * the baselines are {@link ConvBaselines}.
     */
    static StudyProduct conv(ConvShape s, StudyPrecision precision, SplittableRandom random, String isa, int threads,
                             OpenBlas.Source blas) {
        int weights = s.m() * s.k();
        int inputs = s.channels() * s.height() * s.width();
        return switch (precision) {
            case FP32_OPENBLAS, FP32_OPENBLAS_ENV -> {
                float[] w = randomFloats(random, weights);
                yield ConvBaselines.openBlas(OpenBlas.load(blas), s, randomFloats(random, inputs), w, threads);
            }
            case FP32_VECTOR -> {
                float[] w = randomFloats(random, weights);
                yield ConvBaselines.fp32Vector(s, randomFloats(random, inputs), w, threads);
            }
            case INT8 -> {
                byte[] w = randomBytes(random, weights);
                yield ConvBaselines.int8Vector(s, randomBytes(random, inputs), w, threads);
            }
            default -> {
                byte[] w = GemmBenchmark.randomValues(random, precision.weights, s.m(), s.k());
                byte[] x = GemmBenchmark.randomValues(random, precision.activations, 1, inputs);
                yield trit4jConv(s, precision, w, x, isa, threads);
            }
        };
    }

    /** The precisions a network workload runs in, and {@link #networkMode} maps to a block mode. */
    public static final java.util.Set<StudyPrecision> NETWORK_PRECISIONS = java.util.Collections.unmodifiableSet(
            java.util.EnumSet.of(StudyPrecision.FP32_OPENBLAS, StudyPrecision.FP32_OPENBLAS_ENV,
                    StudyPrecision.FP32_VECTOR, StudyPrecision.TERNARY_CONVENTIONAL, StudyPrecision.TERNARY_FATNN,
                    StudyPrecision.TERNARY_TWO_BIT));

    /**
     * The block convolutions' mode of a network in a precision: the ternary precisions their
     * mode, the fp32 ones {@link ConvMode#FLOAT}.
     *
     * @throws IllegalArgumentException for a precision no network layer has (int8, 2-bit, binary)
     */
    public static ConvMode networkMode(StudyPrecision precision) {
        return switch (precision) {
            case FP32_OPENBLAS, FP32_OPENBLAS_ENV, FP32_VECTOR -> ConvMode.FLOAT;
            case TERNARY_FATNN -> ConvMode.FATNN;
            case TERNARY_CONVENTIONAL -> ConvMode.CONVENTIONAL;
            case TERNARY_TWO_BIT -> ConvMode.TERNARY_2BIT;
            default -> throw new IllegalArgumentException("precision " + precision + " has no network layers; a "
                    + "network workload runs in " + NETWORK_PRECISIONS);
        };
    }

    /**
     * A whole network ({@link NetworkBenchmark}'s), at the workload's {@link StudyWorkload#batch() batch}:
     * {@code resnet18} or {@code resnet18-b8} with seeded random
     * weights ({@link ResNets#resnet18}), the stem and classifier in float, the block convolutions
     * in the precision's mode through trit4j's engine on {@code threads} threads; the float layers
     * through OpenBLAS (im2col + {@code cblas_sgemm}, the OpenBLAS precisions: the network as a
     * Java user runs it in fp32) or the Vector API GEMM (the others). The input is fixed, uniform
     * in [0, 1); one run is one batch.
     */
    public static StudyProduct network(StudyWorkload workload, StudyPrecision precision, String isa, int threads,
                                       OpenBlas.Source blas) {
        if (!workload.name().startsWith("resnet18")) {
            throw new IllegalArgumentException("unknown network workload " + workload.name());
        }
        ConvMode mode = networkMode(precision);
        FloatGemm floatGemm = precision.isOpenBlas() ? new OpenBlasFloatGemm(OpenBlas.load(blas)) : FloatGemm.javaDefault();
        GemmEngine engine = GemmBenchmark.engine(isa).withThreads(threads);
        Network net = ResNets.resnet18(mode, NETWORK_SEED, new NetworkOptions(engine, floatGemm));
        int batch = workload.batch();
        float[] input = new float[batch * net.inputSize()];
        SplittableRandom r = new SplittableRandom(SEED);
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) r.nextDouble();
        }
        float[] logits = new float[batch * net.classes()];
        // as the convolutions' kernels name theirs: the fp32 network is im2col + its GEMM throughout
        String kernel = mode == ConvMode.FLOAT ? floatGemm.name() + " + im2col"
                : "trit4j " + engine.isa() + " network (" + mode.fileName() + " blocks, " + floatGemm.name()
                + " float layers)";
        return new StudyProduct() {
            @Override
            public void run() {
                net.predict(input, batch, logits);
            }

            @Override
            public java.util.Optional<io.github.trit4j.WarmUp> warmUp(java.time.Duration budget) {
                return java.util.Optional.of(net.warmUp(budget));
            }

            @Override
            public String kernel() {
                return kernel;
            }

            @Override
            public double[] result() {
                return widen(logits);
            }
        };
    }

    /** Seed of the networks' random weights (as {@link NetworkBenchmark}'s). */
    static final long NETWORK_SEED = 42;

    static StudyProduct trit4jConv(ConvShape s, StudyPrecision precision, byte[] weights, byte[] input, String isa,
                                   int threads) {
        GemmEngine engine = GemmBenchmark.engine(isa).withThreads(threads);
        Conv2d conv = new Conv2d(s.spec(), precision.weights, weights, precision.activations, engine,
                precision.algorithm);
        int[] out = new int[conv.outputLength(1, s.height(), s.width())];
        String kernel = "trit4j " + engine.isa() + " Conv2d";
        return new StudyProduct() {
            @Override
            public void run() {
                conv.forward(input, 1, s.height(), s.width(), Layout.NCHW, out);
            }

            @Override
            public java.util.Optional<io.github.trit4j.WarmUp> warmUp(java.time.Duration budget) {
                return java.util.Optional.of(conv.warmUp(budget));
            }

            @Override
            public String kernel() {
                return kernel;
            }

            @Override
            public double[] result() {
                return widen(out);
            }
        };
    }

    static StudyProduct openBlas(OpenBlas blas, float[] a, float[] b, int m, int n, int k, int threads) {
        OpenBlasSgemm sgemm = new OpenBlasSgemm(blas, a, b, m, n, k);
        String kernel = blas.describe();
        return new StudyProduct() {
            @Override
            public void run() {
                sgemm.multiply(threads);
            }

            @Override
            public String kernel() {
                return kernel;
            }

            @Override
            public double[] result() {
                return widen(sgemm.result());
            }

            @Override
            public void close() {
                sgemm.close();
            }
        };
    }

    static StudyProduct fp32Vector(float[] a, float[] b, int m, int n, int k, int threads) {
        Fp32VectorGemm gemm = Fp32VectorGemm.prepare(a, b, m, n, k);
        GemmEngine engine = Gemm.engine().withThreads(threads);
        float[] c = new float[m * n];
        String kernel = "Vector API " + Fp32VectorGemm.vectorBits() + "-bit";
        return new StudyProduct() {
            @Override
            public void run() {
                gemm.multiply(c, engine);
            }

            @Override
            public String kernel() {
                return kernel;
            }

            @Override
            public double[] result() {
                return widen(c);
            }
        };
    }

    static StudyProduct int8Vector(byte[] a, byte[] b, int m, int n, int k, int threads) {
        Int8VectorGemm gemm = Int8VectorGemm.prepare(a, b, m, n, k);
        GemmEngine engine = Gemm.engine().withThreads(threads);
        int[] c = new int[m * n];
        String kernel = "Vector API " + Int8VectorGemm.S.vectorBitSize() + "-bit";
        return new StudyProduct() {
            @Override
            public void run() {
                gemm.multiply(c, engine);
            }

            @Override
            public String kernel() {
                return kernel;
            }

            @Override
            public double[] result() {
                return widen(c);
            }
        };
    }

    private static StudyProduct trit4j(StudyPrecision precision, SplittableRandom random, int m, int n, int k,
                                       String isa, int threads) {
        GemmEngine engine = GemmBenchmark.engine(isa).withThreads(threads);
        PackedMatrix w = PackedMatrix.pack(precision.weights,
                GemmBenchmark.randomValues(random, precision.weights, m, k), m, k);
        PackedMatrix x = PackedMatrix.pack(precision.activations,
                GemmBenchmark.randomValues(random, precision.activations, n, k), n, k);
        int[] out = new int[m * n];
        String kernel = "trit4j " + engine.isa();
        return new StudyProduct() {
            @Override
            public void run() {
                engine.multiply(w, x, precision.algorithm, out);
            }

            @Override
            public java.util.Optional<io.github.trit4j.WarmUp> warmUp(java.time.Duration budget) {
                return java.util.Optional.of(engine.warmUp(precision.weights, precision.activations,
                        precision.algorithm, budget));
            }

            @Override
            public String kernel() {
                return kernel;
            }

            @Override
            public double[] result() {
                return widen(out);
            }
        };
    }

    /** Uniform floats in [-1, 1). */
    static float[] randomFloats(SplittableRandom random, int count) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return v;
    }

    /** Uniform signed bytes, -128..127. */
    static byte[] randomBytes(SplittableRandom random, int count) {
        byte[] v = new byte[count];
        for (int i = 0; i < count; i++) {
            v[i] = (byte) random.nextInt(256);
        }
        return v;
    }

    /** Trit4j's value draws, for tests. */
    static byte[] randomValues(SplittableRandom random, Precision precision, int rows, int cols) {
        return GemmBenchmark.randomValues(random, precision, rows, cols);
    }

    private static double[] widen(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    private static double[] widen(int[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
