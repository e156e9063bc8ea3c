package io.github.trit4j.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Element-wise maxima of float rows with the Vector API, for max pooling's contiguous passes
 * ({@link Pool}). {@link FloatVector#max} applies {@link Math#max} to each lane, so the
 * results are those of the scalar loops, NaN and signed zeros included. Also the row transforms of
 * the Winograd stem ({@link WinogradRows}): each lane computes the scalar tail's expression, in
 * the same order ({@link FloatVector#fma} is {@link Math#fma} per lane), so a row's results do not
 * depend on where the vectors end.
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

    /**
     * Winograd's input transform of {@link WinogradRows} along the rows: for each point {@code p < 7},
     * {@code tr[p * seg + dst + x] = sum_r bt[p * 7 + r] * d_r[x]} for {@code x < n}, with row
     * {@code d_r} at {@code ph[src + r * rs]} for {@code r < rows} and zero past them: 7 products
     * added in the order {@code r = 0, 1, ..., 6} (no fused multiply-add).
     */
    static void winogradRows7(float[] ph, int src, int rs, int rows, float[] bt, float[] tr, int seg, int dst, int n) {
        int x = 0;
        FloatVector zero = FloatVector.zero(S);
        for (int end = S.loopBound(n); x < end; x += L) {
            FloatVector d0 = rows > 0 ? FloatVector.fromArray(S, ph, src + x) : zero;
            FloatVector d1 = rows > 1 ? FloatVector.fromArray(S, ph, src + rs + x) : zero;
            FloatVector d2 = rows > 2 ? FloatVector.fromArray(S, ph, src + 2 * rs + x) : zero;
            FloatVector d3 = rows > 3 ? FloatVector.fromArray(S, ph, src + 3 * rs + x) : zero;
            FloatVector d4 = rows > 4 ? FloatVector.fromArray(S, ph, src + 4 * rs + x) : zero;
            FloatVector d5 = rows > 5 ? FloatVector.fromArray(S, ph, src + 5 * rs + x) : zero;
            FloatVector d6 = rows > 6 ? FloatVector.fromArray(S, ph, src + 6 * rs + x) : zero;
            for (int p = 0, q = 0; p < 7; p++, q += 7) {
                d0.mul(bt[q]).add(d1.mul(bt[q + 1]))
                        .add(d2.mul(bt[q + 2])).add(d3.mul(bt[q + 3])).add(d4.mul(bt[q + 4]))
                        .add(d5.mul(bt[q + 5])).add(d6.mul(bt[q + 6])).intoArray(tr, p * seg + dst + x);
            }
        }
        for (; x < n; x++) {
            float d0 = rows > 0 ? ph[src + x] : 0f;
            float d1 = rows > 1 ? ph[src + rs + x] : 0f;
            float d2 = rows > 2 ? ph[src + 2 * rs + x] : 0f;
            float d3 = rows > 3 ? ph[src + 3 * rs + x] : 0f;
            float d4 = rows > 4 ? ph[src + 4 * rs + x] : 0f;
            float d5 = rows > 5 ? ph[src + 5 * rs + x] : 0f;
            float d6 = rows > 6 ? ph[src + 6 * rs + x] : 0f;
            for (int p = 0, q = 0; p < 7; p++, q += 7) {
                tr[p * seg + dst + x] = d0 * bt[q] + d1 * bt[q + 1] + d2 * bt[q + 2] + d3 * bt[q + 3] + d4 * bt[q + 4]
                        + d5 * bt[q + 5] + d6 * bt[q + 6];
            }
        }
    }

    /**
     * Winograd's output transform of {@link WinogradRows}: the {@code rows <= 4} output rows
     * {@code y[out + dy * ow + x]} for {@code x < n} from the 7 products {@code mb[i + p * plane + x]},
     * in {@link WinogradRows#outputRows}' expressions.
     */
    static void winogradOut4(float[] mb, int i, int plane, int n, int rows, float[] y, int out, int ow) {
        int x = 0;
        for (int end = S.loopBound(n); x < end; x += L) {
            FloatVector m0 = FloatVector.fromArray(S, mb, i + x);
            FloatVector m1 = FloatVector.fromArray(S, mb, i + plane + x);
            FloatVector m2 = FloatVector.fromArray(S, mb, i + 2 * plane + x);
            FloatVector m3 = FloatVector.fromArray(S, mb, i + 3 * plane + x);
            FloatVector m4 = FloatVector.fromArray(S, mb, i + 4 * plane + x);
            FloatVector m5 = FloatVector.fromArray(S, mb, i + 5 * plane + x);
            FloatVector m6 = FloatVector.fromArray(S, mb, i + 6 * plane + x);
            FloatVector s1 = m1.add(m2);
            FloatVector d1 = m1.sub(m2);
            FloatVector s2 = m3.add(m4);
            FloatVector d2 = m3.sub(m4);
            m0.add(s1).add(s2.add(m5)).intoArray(y, out + x);
            if (rows > 1) {
                d1.add(d2.mul(2f)).add(m5.mul(0.5f)).intoArray(y, out + ow + x);
            }
            if (rows > 2) {
                s1.add(s2.mul(4f)).add(m5.mul(0.25f)).intoArray(y, out + 2 * ow + x);
            }
            if (rows > 3) {
                d1.add(d2.mul(8f)).add(m5.mul(0.125f).add(m6)).intoArray(y, out + 3 * ow + x);
            }
        }
        for (; x < n; x++) {
            WinogradRows.outputRows(mb, i + x, plane, rows, y, out + x, ow);
        }
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
