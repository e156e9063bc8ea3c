package io.github.trit4j.tools;

import io.github.trit4j.Precision;

import java.util.SplittableRandom;

/**
 * One random operand pair for {@code verify}, reproducible from its seed.
 *
 * @param pair        the precisions
 * @param m           rows of the weights, 1..40
 * @param n           rows of the activations, 1..40
 * @param k           the reduction length, 1..1100, often a word or vector boundary
 * @param seed        the seed {@link #random} made it from
 * @param weights     m x k values of {@code pair.weights()}, row-major
 * @param activations n x k values of {@code pair.activations()}, row-major
 */
record VerifyCase(PrecisionPair pair, int m, int n, int k, long seed, byte[] weights, byte[] activations) {

    static final int MAX_ROWS = 40;
    static final int MAX_K = 1100;
    /** Either side of 64-bit words, 256-bit vectors, 512-bit granules and 1024 bits. */
    static final int[] BOUNDARY_K = {63, 64, 65, 127, 128, 129, 255, 256, 257, 511, 512, 513, 1023, 1024, 1025};

    /** Number of elementary products, the size by which failures are ranked. */
    long size() {
        return (long) m * n * k;
    }

    /** The case for {@code seed}: the same seed always gives the same case. */
    static VerifyCase random(PrecisionPair pair, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int m = rows(r);
        int n = rows(r);
        int k = r.nextInt(2) == 0 ? BOUNDARY_K[r.nextInt(BOUNDARY_K.length)] : 1 + r.nextInt(MAX_K);
        return new VerifyCase(pair, m, n, k, seed, values(r, pair.weights(), m, k), values(r, pair.activations(), n, k));
    }

    private static int rows(SplittableRandom r) {
        return r.nextInt(8) == 0 ? 1 : 1 + r.nextInt(MAX_ROWS);
    }

    /** Mostly uniform rows; some all-zero, all-min, all-max and sparse rows. */
    private static byte[] values(SplittableRandom r, Precision p, int rows, int cols) {
        byte[] v = new byte[rows * cols];
        for (int row = 0; row < rows; row++) {
            int kind = r.nextInt(10);
            for (int c = 0; c < cols; c++) {
                v[row * cols + c] = (byte) switch (kind) {
                    case 0 -> zero(p);
                    case 1 -> p.min();
                    case 2 -> p.max();
                    case 3 -> r.nextInt(8) == 0 ? uniform(r, p) : zero(p);
                    default -> uniform(r, p);
                };
            }
        }
        return v;
    }

    /** The value whose bit pattern is all zeros: 0, or +1 for BINARY, which has no 0. */
    private static int zero(Precision p) {
        return p.contains(0) ? 0 : 1;
    }

    private static int uniform(SplittableRandom r, Precision p) {
        int v;
        do {
            v = p.min() + r.nextInt(p.max() - p.min() + 1);
        } while (!p.contains(v));
        return v;
    }
}
