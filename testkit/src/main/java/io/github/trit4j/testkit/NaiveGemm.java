package io.github.trit4j.testkit;

/**
 * The GEMM oracle: the integer triple loop over the values, written for clarity and
 * independent of any packing. Stateless and thread-safe.
 */
public final class NaiveGemm {

    private NaiveGemm() {
    }

    /**
     * {@code out[i*n + j] = sum over kk of w[i*k + kk] * x[j*k + kk]}: summed in {@code int}
     * while no sum of {@code k} byte products can overflow it, in {@code long} (and checked into
     * {@code int}) beyond.
     *
     * @param w weights, {@code m x k} values, row-major
     * @param x activations, {@code n x k} values, row-major
     * @param m rows of {@code w}
     * @param n rows of {@code x}
     * @param k the shared length
     * @return {@code m x n} products, row-major
     * @throws IllegalArgumentException if an array's length is not its shape's
     * @throws ArithmeticException      if a product does not fit an {@code int}
     */
    public static int[] multiply(byte[] w, byte[] x, int m, int n, int k) {
        if (w.length != (long) m * k || x.length != (long) n * k) {
            throw new IllegalArgumentException("arrays of length " + w.length + " and " + x.length
                    + " do not hold " + m + " x " + k + " and " + n + " x " + k + " values");
        }
        int[] out = new int[Math.multiplyExact(m, n)];
        if (k <= Integer.MAX_VALUE / (128 * 128)) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int acc = 0;
                    for (int kk = 0; kk < k; kk++) {
                        acc += w[i * k + kk] * x[j * k + kk];
                    }
                    out[i * n + j] = acc;
                }
            }
            return out;
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                long acc = 0;
                for (int kk = 0; kk < k; kk++) {
                    acc += w[i * k + kk] * x[j * k + kk];
                }
                out[i * n + j] = Math.toIntExact(acc);
            }
        }
        return out;
    }
}
