package io.github.trit4j;

/** The oracle: the integer triple loop on unpacked values. Tests only. */
final class NaiveGemm {

    private NaiveGemm() {
    }

    /** {@code out[i*n + j] = sum_k w[i*k + kk] * x[j*k + kk]}. */
    static int[] multiply(byte[] w, byte[] x, int m, int n, int k) {
        int[] out = new int[m * n];
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
}
