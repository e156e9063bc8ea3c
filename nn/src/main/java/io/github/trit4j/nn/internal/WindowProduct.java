package io.github.trit4j.nn.internal;

/**
 * A prepared float GEMM operand A (M x K) that also multiplies by the patch matrix of a
 * convolution without building it: each patch is a window of a caller's zero-padded source
 * array, read in place. Output pixel {@code (oy, ox)} of a convolution with {@code ow} pixels
 * per output row has patch element {@code t} at {@code src[oy * rowStride + ox + taps[t]]}
 * (with the input split into stride phases, consecutive {@code ox} are consecutive elements, so a
 * vector of output pixels is one load per tap). The result of every output is the one the same
 * GEMM gives for the im2col matrix ({@link io.github.trit4j.nn.gemm.PanelPrepared#multiplyPanelColumns}),
 * bit for bit: same products, same order, same rounding.
 *
 * <p>Internal API (the package is not exported). Thread-safe: one instance multiplies from
 * several threads at once, on distinct outputs.
 */
public interface WindowProduct {

    /** Whether a reduction of {@code k} elements goes through {@link #multiplyWindows} bit-identically. */
    boolean takesWindows(int k);

    /**
     * Elements the product may read past a window's end: a source must hold
     * {@code (oy1 - 1) * rowStride + ow + max(taps) + windowSlack()} elements at least (the values
     * there are read into lanes whose results are discarded).
     */
    int windowSlack();

    /**
     * {@code c[cOffset + i*ldc + oy*ow + ox] = sum_t A[i][t] * src[oy*rowStride + ox + taps[t]]}
     * for {@code i < M}, {@code oy0 <= oy < oy1}, {@code ox < ow}, on the calling thread; other
     * elements of {@code c} are untouched.
     *
     * @param taps K offsets, each {@code >= 0}
     * @throws IllegalArgumentException for a bad range, a K this product does not take, a
     *                                  negative tap, or too short a source or output
     */
    void multiplyWindows(float[] src, int[] taps, int rowStride, int ow, int oy0, int oy1, float[] c, int cOffset,
                         int ldc);
}
