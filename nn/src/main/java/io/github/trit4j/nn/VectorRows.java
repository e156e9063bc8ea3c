package io.github.trit4j.nn;

import jdk.incubator.vector.FloatVector;
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
}
