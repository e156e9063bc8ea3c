package io.github.trit4j.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Element-wise maxima of float rows with the Vector API, for max pooling's contiguous passes
 * ({@link Pool}). {@link FloatVector#max} applies {@link Math#max} to each lane, so the
 * results are those of the scalar loops, NaN and signed zeros included.
 *
 * <p>Needs the {@code jdk.incubator.vector} module: {@link NnKernels} loads this class by name
 * in a try (its static initialiser is where a missing module fails), and {@link Pool} calls it
 * only when that worked and its engine's shape is a vector one, so a JVM without the module
 * never links it. Stateless and thread-safe.
 */
final class VectorRows {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /**
     * Lane i of an output vector of {@link #max3Stride2}: lane {@code 2i} of the window maxima from
     * the first window on for the low half, lane {@code 2i - L + 1} of those from window
     * {@code L - 1} on for the high half.
     */
    private static final VectorShuffle<Float> EVEN_WINDOWS = VectorShuffle.fromOp(S, i -> i < L / 2 ? 2 * i : 2 * i - L + 1);
    /** The high half of the lanes. */
    private static final VectorMask<Float> HIGH_HALF = VectorMask.fromLong(S, -1L << (L / 2));

    private VectorRows() {
    }

    /** {@code col[i] = max(max(x[r0 + i], x[r0 + w + i]), x[r0 + 2w + i])} for {@code i < w}. */
    static void max3(float[] x, int r0, int w, float[] col) {
        int r1 = r0 + w;
        int r2 = r1 + w;
        int i = 0;
        for (int end = S.loopBound(w); i < end; i += L) {
            FloatVector.fromArray(S, x, r0 + i).max(FloatVector.fromArray(S, x, r1 + i))
                    .max(FloatVector.fromArray(S, x, r2 + i)).intoArray(col, i);
        }
        for (; i < w; i++) {
            col[i] = Math.max(Math.max(x[r0 + i], x[r1 + i]), x[r2 + i]);
        }
    }

    /** {@code col[i] = max(col[i], x[r + i])} for {@code i < w}. */
    static void maxInto(float[] x, int r, int w, float[] col) {
        int i = 0;
        for (int end = S.loopBound(w); i < end; i += L) {
            FloatVector.fromArray(S, col, i).max(FloatVector.fromArray(S, x, r + i)).intoArray(col, i);
        }
        for (; i < w; i++) {
            col[i] = Math.max(col[i], x[r + i]);
        }
    }

    /** {@code pair[i] = max(col[i], col[i + 1])} for {@code i < w - 1}. */
    static void pairs(float[] col, int w, float[] pair) {
        int i = 0;
        for (int end = S.loopBound(w - 1); i < end; i += L) {
            FloatVector.fromArray(S, col, i).max(FloatVector.fromArray(S, col, i + 1)).intoArray(pair, i);
        }
        for (; i + 1 < w; i++) {
            pair[i] = Math.max(col[i], col[i + 1]);
        }
    }

    /**
     * Stride-2 windows of 3 along a row: {@code y[o + ox] = max(col[b], col[b + 1], col[b + 2])}
     * with {@code b = 2 * ox - p}, for {@code lo <= ox < hi}; every window must lie in {@code col}.
     * A vector of outputs is the even lanes of the maxima of two vectors of consecutive windows,
     * gathered by one shuffle; the last vector may overlap the one before (same values written
     * twice), and a range shorter than a vector runs the scalar loop.
     */
    static void max3Stride2(float[] col, int p, int lo, int hi, float[] y, int o) {
        if (hi - lo < L) {
            for (int ox = lo; ox < hi; ox++) {
                int b = 2 * ox - p;
                y[o + ox] = Math.max(Math.max(col[b], col[b + 1]), col[b + 2]);
            }
            return;
        }
        for (int ox = lo; ; ox += L) {
            if (ox > hi - L) {
                if (ox == hi) {
                    return;
                }
                ox = hi - L;
            }
            int b = 2 * ox - p;
            FloatVector first = FloatVector.fromArray(S, col, b).max(FloatVector.fromArray(S, col, b + 1))
                    .max(FloatVector.fromArray(S, col, b + 2));
            FloatVector second = FloatVector.fromArray(S, col, b + L - 1).max(FloatVector.fromArray(S, col, b + L))
                    .max(FloatVector.fromArray(S, col, b + L + 1));
            first.rearrange(EVEN_WINDOWS).blend(second.rearrange(EVEN_WINDOWS), HIGH_HALF).intoArray(y, o + ox);
        }
    }
}
