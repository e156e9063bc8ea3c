package io.github.trit4j.kernel;

import io.github.trit4j.Isa;

/**
 * The kernels one ISA shape provides: three popcount combinations that every supported
 * product reduces to. Internal API (the package is not exported by the module).
 *
 * <p>Operands are packed bit-planes in {@code io.github.trit4j.PackedMatrix} layout: row
 * {@code r}, plane {@code p} starts at {@code (r * planes + p) * words}, where
 * {@code words} is a multiple of 8 (512 bits), so a shape never needs a tail loop.
 * Each method fills the block of outputs {@code [i0, i1) x [j0, j1)} of the row-major
 * {@code out} with {@code n} columns, applying {@code epilogue} to each raw sum. Weights
 * supply rows {@code i}, activations columns {@code j}.
 *
 * <p>Implementations are stateless and thread-safe.
 */
public interface BitKernels {

    /** The shape these kernels are written for. */
    Isa isa();

    /**
     * Ternary weights (planes m, s) against a two-plane activation (x0, x1):
     * {@code raw = pop(m & (x0 ^ s)) + (pop(m & (x1 ^ s)) << shift1)}.
     * With thermometer activations and {@code shift1 = 0} this is FATNN's product; with
     * 2-bit (lo, hi) activations and {@code shift1 = 1}, the ternary x 2-bit product.
     */
    void ternary(long[] w, long[] x, int words, int shift1,
                 int i0, int i1, int j0, int j1, Epilogue epilogue, int[] out, int n);

    /**
     * Unsigned 2-bit codes (lo, hi) on both sides:
     * {@code raw = pop(wl & xl) + 2 (pop(wl & xh) + pop(wh & xl)) + 4 pop(wh & xh)}.
     */
    void twoBit(long[] w, long[] x, int words,
                int i0, int i1, int j0, int j1, Epilogue epilogue, int[] out, int n);

    /** One plane on each side: {@code raw = pop(w ^ x)}. */
    void binary(long[] w, long[] x, int words,
                int i0, int i1, int j0, int j1, Epilogue epilogue, int[] out, int n);

    /**
     * Columns per panel of this shape's lane-per-column kernels ({@link ColumnPanels}), or 0
     * if it has none and {@link #ternaryPanels} / {@link #twoBitPanels} must not be called.
     */
    default int panelLanes() {
        return 0;
    }

    /**
     * {@link #ternary} on column panels: weights as above but only the first {@code kWords}
     * words of each plane are read; activations {@code xp} laid out by {@link ColumnPanels}
     * with 2 planes and {@link #panelLanes()} lanes. Fills rows {@code [i0, i1)} x panels
     * {@code [p0, p1)} (columns {@code p * lanes ...}, those below {@code n}).
     */
    default void ternaryPanels(long[] w, int words, long[] xp, int kWords, int shift1,
                               int i0, int i1, int p0, int p1, Epilogue epilogue, int[] out, int n) {
        throw new UnsupportedOperationException(isa() + " has no panel kernels");
    }

    /** {@link #twoBit} on column panels, as {@link #ternaryPanels}. */
    default void twoBitPanels(long[] w, int words, long[] xp, int kWords,
                              int i0, int i1, int p0, int p1, Epilogue epilogue, int[] out, int n) {
        throw new UnsupportedOperationException(isa() + " has no panel kernels");
    }

    /** Whether {@link #binaryPanels} is implemented (otherwise binary always runs along K). */
    default boolean hasBinaryPanels() {
        return false;
    }

    /**
     * {@link #binary} on column panels of one plane, as {@link #ternaryPanels}. Pad bits past K
     * are zero on both sides, so they add nothing to {@code pop(w ^ x)}.
     */
    default void binaryPanels(long[] w, int words, long[] xp, int kWords,
                              int i0, int i1, int p0, int p1, Epilogue epilogue, int[] out, int n) {
        throw new UnsupportedOperationException(isa() + " has no binary panel kernels");
    }
}
