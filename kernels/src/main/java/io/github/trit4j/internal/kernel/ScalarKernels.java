package io.github.trit4j.internal.kernel;

import io.github.trit4j.Isa;

/**
 * The scalar shape: plain longs and {@link Long#bitCount}, along K only. It is the fallback
 * on any JVM (it must not touch {@code jdk.incubator.vector}, so that it loads without the
 * module) and the second opinion the vector micro-kernels are tested against.
 */
final class ScalarKernels implements BitKernels {

    /** The one instance; the class is stateless. */
    public static final ScalarKernels INSTANCE = new ScalarKernels();

    private ScalarKernels() {
    }

    @Override
    public Isa isa() {
        return Isa.SCALAR;
    }

    @Override
    public void alongK(Kernel kernel, long[] w, long[] x, int words,
                       int i0, int i1, int j0, int j1, Epilogue e, int[] out, int n, int row0) {
        ScalarKernelsAlongK.alongK(this, kernel, w, x, words, i0, i1, j0, j1, e, out, n, row0);
    }

    @Override
    public void ternaryAlongK(long[] w, int w0, int w1, int w2, int w3, long[] x, int xj, int words,
                              long[] raw, byte[] bytes) {
        ternaryRow(w, w0, x, xj, words, raw, 0);
        ternaryRow(w, w1, x, xj, words, raw, 1);
        ternaryRow(w, w2, x, xj, words, raw, 2);
        ternaryRow(w, w3, x, xj, words, raw, 3);
    }

    private static void ternaryRow(long[] w, int wm, long[] x, int x0, int words, long[] raw, int r) {
        int ws = wm + words;
        int x1 = x0 + words;
        for (int k = 0; k < words; k++) {
            long m = w[wm + k];
            long s = w[ws + k];
            raw[r] += Long.bitCount(m & (x[x0 + k] ^ s));
            raw[4 + r] += Long.bitCount(m & (x[x1 + k] ^ s));
        }
    }

    /** raw[r] gets the low weight plane's part, raw[4 + r] the high one's. */
    @Override
    public void twoBitAlongK(long[] w, int w0, int w1, int w2, int w3, long[] x, int xj, int words,
                             long[] raw, byte[] bytes) {
        twoBitRow(w, w0, x, xj, words, raw, 0);
        twoBitRow(w, w1, x, xj, words, raw, 1);
        twoBitRow(w, w2, x, xj, words, raw, 2);
        twoBitRow(w, w3, x, xj, words, raw, 3);
    }

    private static void twoBitRow(long[] w, int wl, long[] x, int xl, int words, long[] raw, int r) {
        int wh = wl + words;
        int xh = xl + words;
        for (int k = 0; k < words; k++) {
            long c = x[xl + k];
            long d = x[xh + k];
            raw[r] += Long.bitCount(w[wl + k] & c) + 2L * Long.bitCount(w[wl + k] & d);
            raw[4 + r] += Long.bitCount(w[wh + k] & c) + 2L * Long.bitCount(w[wh + k] & d);
        }
    }

    @Override
    public void binaryAlongK(long[] w, int w0, int w1, int w2, int w3, long[] x, int xj, int words,
                             long[] raw, byte[] bytes) {
        binaryRow(w, w0, x, xj, words, raw, 0);
        binaryRow(w, w1, x, xj, words, raw, 1);
        binaryRow(w, w2, x, xj, words, raw, 2);
        binaryRow(w, w3, x, xj, words, raw, 3);
    }

    private static void binaryRow(long[] w, int wr, long[] x, int xr, int words, long[] raw, int r) {
        for (int k = 0; k < words; k++) {
            raw[r] += Long.bitCount(w[wr + k] ^ x[xr + k]);
        }
    }
}
