package io.github.trit4j.internal.kernel;

import io.github.trit4j.Isa;

/**
 * The micro-kernels of one ISA shape. Internal API (the package is not exported by the module).
 *
 * <p>Operands are packed bit-planes in {@code io.github.trit4j.PackedMatrix} layout: row
 * {@code r}, plane {@code p} starts at {@code (r * planes + p) * words}, where
 * {@code words} is a multiple of 8 (512 bits), so a shape never needs a tail loop. Weights
 * supply rows {@code i}, activations columns {@code j} of the row-major {@code out} with
 * {@code n} columns.
 *
 * <p>Two kinds of kernel. Along-K micro-kernels (vectors run along K) have one fixed
 * signature, arrays and ints only, and one text owns their tile loops ({@link #alongK}, generated
 * per shape from the template {@code X-AlongKLoops.java}). Lane-
 * per-column kernels on {@link ColumnPanels} ({@link #panels}) keep their own drivers,
 * because the tile and its epilogue are what differs between shapes there.
 *
 * <p>Implementations are stateless and thread-safe.
 */
public interface BitKernels {

    /** Rows per along-K micro-tile. */
    int ALONG_K_ROWS = 4;

    /** The shape these kernels are written for. */
    Isa isa();

    /**
     * {@code kernel}'s product along K on the block {@code [i0, i1) x [j0, j1)} of {@code out}:
     * this shape's along-K micro-kernels in the tile loops generated for it from
     * {@code X-AlongKLoops.java}, 4 weight rows x 1 activation row per tile, applying
     * {@code epilogue}. Output row {@code i} starts at {@code out[(i - row0) * n]}: 0 for a whole
     * product, the block's first row for a caller that finishes a few rows at a time in a buffer
     * of those rows.
     */
    void alongK(Kernel kernel, long[] w, long[] x, int words,
                int i0, int i1, int j0, int j1, Epilogue epilogue, int[] out, int n, int row0);

    /**
     * {@link Kernel.Sum#THERMOMETER} and {@link Kernel.Sum#TERNARY_TWO_BIT} along K for four weight
     * rows (repeats allowed) whose planes m, s start at {@code w0..w3} (s {@code words} further)
     * and the activation row whose planes x0, x1 start at {@code xj}: adds
     * {@code sum pop(m_r & (x0 ^ s_r))} to {@code raw[r]} and {@code sum pop(m_r & (x1 ^ s_r))} to
     * {@code raw[4 + r]}, r = 0..3. {@code bytes} is scratch.
     */
    void ternaryAlongK(long[] w, int w0, int w1, int w2, int w3, long[] x, int xj, int words,
                       long[] raw, byte[] bytes);

    /**
     * {@link Kernel.Sum#TWO_BIT} along K, as {@link #ternaryAlongK} (planes lo, hi on each side):
     * adds to {@code raw[r]} and {@code raw[4 + r]} two parts whose sum is
     * {@code raw[r] + 2 raw[4 + r]} (how the product is split between them is the shape's choice).
     */
    void twoBitAlongK(long[] w, int w0, int w1, int w2, int w3, long[] x, int xj, int words,
                      long[] raw, byte[] bytes);

    /** {@link Kernel.Sum#BINARY} along K, as {@link #ternaryAlongK} (one plane): adds {@code sum pop(w_r ^ x)} to {@code raw[r]}. */
    void binaryAlongK(long[] w, int w0, int w1, int w2, int w3, long[] x, int xj, int words,
                      long[] raw, byte[] bytes);

    /**
     * Columns per panel of this shape's lane-per-column kernels ({@link ColumnPanels}), or 0
     * if it has none.
     */
    default int panelLanes() {
        return 0;
    }

    /** Whether {@link #panels} computes {@code sum} (otherwise it always runs along K). */
    default boolean hasPanels(Kernel.Sum sum) {
        return false;
    }

    /**
     * {@code kernel}'s product on column panels: weights as above but only the first
     * {@code kWords} words of each plane are read; activations {@code xp} laid out by
     * {@link ColumnPanels} with the sum's planes and {@link #panelLanes()} lanes. Fills rows
     * {@code [i0, i1)} x panels {@code [p0, p1)} (columns {@code p * lanes ...}, those below
     * {@code n}), applying {@code epilogue}, which is {@code kernel}'s; output row {@code i} starts
     * at {@code out[(i - row0) * n]}, as in {@link #alongK}. Pad bits past K are zero on
     * both sides, so they add nothing.
     *
     * @throws UnsupportedOperationException if not {@link #hasPanels} for the kernel's sum
     */
    default void panels(Kernel kernel, long[] w, int words, long[] xp, int kWords,
                        int i0, int i1, int p0, int p1, Epilogue epilogue, int[] out, int n, int row0) {
        throw new UnsupportedOperationException(isa() + " has no panel kernel for " + kernel);
    }
}
