package io.github.trit4j.internal.kernel;

import java.util.Arrays;

/**
 * The tile loops of the along-K kernels, written once for every shape: BLIS's framework
 * around the ISA's micro-kernels ({@link BitKernels#ternaryAlongK} and its siblings, one
 * fixed signature of arrays and ints, so no vector crosses a call). Internal API.
 */
public final class TileLoops {

    private TileLoops() {
    }

    /**
     * Fills the block {@code [i0, i1) x [j0, j1)} of {@code out} ({@code n} columns) with
     * {@code kernel}'s product of weight rows and activation rows along K: 4 weight rows x 1
     * activation row per micro-tile, a tail of rows repeating the last row (written twice,
     * with the same value), so edges run the same micro-kernel.
     */
    public static void alongK(BitKernels kernels, Kernel kernel, long[] w, long[] x, int words,
                              int i0, int i1, int j0, int j1, Epilogue e, int[] out, int n) {
        Scratch scratch = Scratch.get();
        long[] raw = scratch.longs;
        byte[] bytes = scratch.bytes;
        Kernel.Sum sum = kernel.sum();
        int shift = sum.highShift();
        int stride = sum.planes() * words; // words from one row's first plane to the next row's
        int last = i1 - 1;
        for (int j = j0; j < j1; j++) {
            for (int i = i0; i < i1; i += BitKernels.ALONG_K_ROWS) {
                int r1 = Math.min(i + 1, last);
                int r2 = Math.min(i + 2, last);
                int r3 = Math.min(i + 3, last);
                Arrays.fill(raw, 0, 2 * BitKernels.ALONG_K_ROWS, 0L);
                int w0 = i * stride;
                int w1 = r1 * stride;
                int w2 = r2 * stride;
                int w3 = r3 * stride;
                int xj = j * stride;
                switch (sum) {
                    case THERMOMETER, TERNARY_TWO_BIT -> kernels.ternaryAlongK(w, w0, w1, w2, w3, x, xj, words, raw, bytes);
                    case TWO_BIT -> kernels.twoBitAlongK(w, w0, w1, w2, w3, x, xj, words, raw, bytes);
                    case BINARY -> kernels.binaryAlongK(w, w0, w1, w2, w3, x, xj, words, raw, bytes);
                }
                out[i * n + j] = e.apply(raw[0] + (raw[4] << shift), i, j);
                out[r1 * n + j] = e.apply(raw[1] + (raw[5] << shift), r1, j);
                out[r2 * n + j] = e.apply(raw[2] + (raw[6] << shift), r2, j);
                out[r3 * n + j] = e.apply(raw[3] + (raw[7] << shift), r3, j);
            }
        }
    }
}
