package io.github.trit4j.bench;

import io.github.trit4j.Algorithm;
import io.github.trit4j.GemmEngine;
import io.github.trit4j.PackedMatrix;
import io.github.trit4j.Precision;
import io.github.trit4j.conv.Conv2d;

import java.util.SplittableRandom;

/**
 * What the convolution benchmarks ({@link ConvBenchmark}, {@link ResNetConvBenchmark}) time, made once in setup
 * from {@link GemmBenchmark#SEED}: a batch-1 convolution of {@link #shape} with random ternary weights (as codes,
 * and as Gaussian floats for the float layers and the float baseline), a non-negative float input (a ReLU's
 * output), and the GEMM of the same {@code (M, N, K)} on random FATNN codes, packed, to time the product alone.
 */
final class ConvFixture {

    /** The geometry (batch 1). */
    final ConvShape shape;
    /** OIHW ternary codes, -1..1. */
    final byte[] weightCodes;
    /** OIHW floats, Gaussian. */
    final float[] weightFloats;
    /** {@code channels x height x width} floats in [0, 2.5), NCHW. */
    final float[] input;
    /** M x K ternary codes of the GEMM alone. */
    final PackedMatrix gemmWeights;
    /** N x K codes {0, 1, 2} of the GEMM alone. */
    final PackedMatrix gemmActivations;

    ConvFixture(ConvShape shape) {
        this.shape = shape;
        SplittableRandom rnd = new SplittableRandom(GemmBenchmark.SEED);
        int weights = shape.spec().weightLength();
        weightCodes = GemmBenchmark.randomValues(rnd, Precision.TERNARY, 1, weights);
        weightFloats = new float[weights];
        for (int i = 0; i < weights; i++) {
            weightFloats[i] = (float) rnd.nextGaussian();
        }
        input = new float[shape.channels() * shape.height() * shape.width()];
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) (rnd.nextDouble() * 2.5);
        }
        gemmWeights = PackedMatrix.pack(Precision.TERNARY,
                GemmBenchmark.randomValues(rnd, Precision.TERNARY, shape.m(), shape.k()), shape.m(), shape.k());
        gemmActivations = PackedMatrix.pack(Precision.TERNARY_UNSIGNED,
                GemmBenchmark.randomValues(rnd, Precision.TERNARY_UNSIGNED, shape.n(), shape.k()), shape.n(),
                shape.k());
    }

    /** The FATNN convolution of {@link #weightCodes} (ternary x {0, 1, 2}) on {@code engine}. */
    Conv2d conv(GemmEngine engine) {
        return new Conv2d(shape.spec(), Precision.TERNARY, weightCodes, Precision.TERNARY_UNSIGNED, engine,
                Algorithm.FATNN);
    }

    /** A buffer for the GEMM alone's M*N results. */
    int[] gemmOut() {
        return new int[shape.m() * shape.n()];
    }
}
