package com.example.consumer;

import io.github.trit4j.Gemm;
import io.github.trit4j.PackedMatrix;
import io.github.trit4j.Precision;

/** What a consumer's code looks like: ternary weights times {0,1,2} activations. */
public final class Scorer {

    private Scorer() {
    }

    /** {@code y[i*n + j] = sum_k w[i][k] * x[j][k]} by trit4j's FATNN product. */
    public static int[] scores(byte[] w, int m, byte[] x, int n, int k) {
        PackedMatrix weights = PackedMatrix.pack(Precision.TERNARY, w, m, k);
        PackedMatrix acts = PackedMatrix.pack(Precision.TERNARY_UNSIGNED, x, n, k);
        return Gemm.multiply(weights, acts);
    }
}
