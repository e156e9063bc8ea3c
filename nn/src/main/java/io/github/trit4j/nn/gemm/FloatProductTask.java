package io.github.trit4j.nn.gemm;

import io.github.trit4j.GemmEngine;
import io.github.trit4j.RangeTask;

/**
 * One float product's operands ({@code C[cOffset..] = A (m x k) * B^T (n x k)}), as the
 * engine's threads see them while it runs in ranges. Each GEMM keeps one per calling thread,
 * so that a multi-threaded product allocates nothing; the arrays are forgotten after each
 * product, so that the kept object pins no caller's array. Not thread-safe: one calling thread
 * owns it.
 */
abstract class FloatProductTask implements RangeTask {
    float[] a;
    float[] b;
    float[] c;
    int m;
    int n;
    int k;
    int cOffset;

    /** Runs {@code units} units of this product in ranges on {@code engine}'s threads, then forgets its arrays. */
    final void runOn(GemmEngine engine, int units, float[] a, float[] b, int m, int n, int k, float[] c, int cOffset) {
        this.a = a;
        this.b = b;
        this.c = c;
        this.m = m;
        this.n = n;
        this.k = k;
        this.cOffset = cOffset;
        try {
            engine.runRanges(units, Math.min(units, engine.threads()), this);
        } finally {
            this.a = null;
            this.b = null;
            this.c = null;
        }
    }
}
