package io.github.trit4j.tools;

import java.util.Objects;

/**
 * The oracle: {@code out[i*n + j] = sum_k w[i*k + kk] * x[j*k + kk]} as a plain int triple
 * loop over unpacked values. Deliberately naive, so that it shares nothing with the kernels
 * (no bit-planes, no popcounts, no pack-time constants).
 */
public final class NaiveGemm {

    private NaiveGemm() {
    }

    /**
     * Multiplies weights (m x k) by activations (n x k), both row-major.
     *
     * @return the m x n products, row-major
     * @throws IllegalArgumentException if an array's length is not its rows times k
     */
    public static int[] multiply(byte[] w, byte[] x, int m, int n, int k) {
        Objects.requireNonNull(w, "w");
        Objects.requireNonNull(x, "x");
        if (w.length != (long) m * k || x.length != (long) n * k) {
            throw new IllegalArgumentException("w has " + w.length + " values, x has " + x.length
                    + "; expected " + m + " x " + k + " and " + n + " x " + k);
        }
        int[] out = new int[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int sum = 0;
                for (int kk = 0; kk < k; kk++) {
                    sum += w[i * k + kk] * x[j * k + kk];
                }
                out[i * n + j] = sum;
            }
        }
        return out;
    }
}
