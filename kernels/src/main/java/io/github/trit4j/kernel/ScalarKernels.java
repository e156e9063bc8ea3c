package io.github.trit4j.kernel;

import io.github.trit4j.Isa;

/**
 * The scalar shape: plain longs and {@link Long#bitCount}. It is the fallback on any JVM
 * (it must not touch {@code jdk.incubator.vector}, so that it loads without the module)
 * and the second opinion the vector shapes are tested against.
 */
public final class ScalarKernels implements BitKernels {

    /** The one instance; the class is stateless. */
    public static final ScalarKernels INSTANCE = new ScalarKernels();

    private ScalarKernels() {
    }

    @Override
    public Isa isa() {
        return Isa.SCALAR;
    }

    @Override
    public void ternary(long[] w, long[] x, int words, int shift1,
                        int i0, int i1, int j0, int j1, Epilogue epilogue, int[] out, int n) {
        for (int i = i0; i < i1; i++) {
            int wm = 2 * i * words;
            int ws = wm + words;
            for (int j = j0; j < j1; j++) {
                int x0 = 2 * j * words;
                int x1 = x0 + words;
                long p0 = 0;
                long p1 = 0;
                for (int k = 0; k < words; k++) {
                    long m = w[wm + k];
                    long s = w[ws + k];
                    p0 += Long.bitCount(m & (x[x0 + k] ^ s));
                    p1 += Long.bitCount(m & (x[x1 + k] ^ s));
                }
                out[i * n + j] = epilogue.apply(p0 + (p1 << shift1), i, j);
            }
        }
    }

    @Override
    public void twoBit(long[] w, long[] x, int words,
                       int i0, int i1, int j0, int j1, Epilogue epilogue, int[] out, int n) {
        for (int i = i0; i < i1; i++) {
            int wl = 2 * i * words;
            int wh = wl + words;
            for (int j = j0; j < j1; j++) {
                int xl = 2 * j * words;
                int xh = xl + words;
                long ll = 0;
                long mixed = 0;
                long hh = 0;
                for (int k = 0; k < words; k++) {
                    long a = w[wl + k];
                    long b = w[wh + k];
                    long c = x[xl + k];
                    long d = x[xh + k];
                    ll += Long.bitCount(a & c);
                    mixed += Long.bitCount(a & d) + Long.bitCount(b & c);
                    hh += Long.bitCount(b & d);
                }
                out[i * n + j] = epilogue.apply(ll + 2 * mixed + 4 * hh, i, j);
            }
        }
    }

    @Override
    public void binary(long[] w, long[] x, int words,
                       int i0, int i1, int j0, int j1, Epilogue epilogue, int[] out, int n) {
        for (int i = i0; i < i1; i++) {
            int wr = i * words;
            for (int j = j0; j < j1; j++) {
                int xr = j * words;
                long p = 0;
                for (int k = 0; k < words; k++) {
                    p += Long.bitCount(w[wr + k] ^ x[xr + k]);
                }
                out[i * n + j] = epilogue.apply(p, i, j);
            }
        }
    }
}
