package io.github.trit4j.nn;

import io.github.trit4j.GemmEngine;
import io.github.trit4j.RangeTask;

import java.util.Arrays;

/**
 * PyTorch's {@code MaxPool2d} / {@code AvgPool2d} with {@code ceil_mode=False}; max ignores padded
 * taps (PyTorch pads with -inf), average counts them as zeros ({@code count_include_pad=True}):
 * the sum of the window's valid taps in row-major order, divided by {@code k*k}.
 */
final class Pool extends Layer<Pool.Scratch> {
    final boolean max;
    final int k;
    final int s;
    final int p;
    /** Whose threads split the planes. */
    final GemmEngine engine;
    /** Whether the row maxima use {@link VectorRows}: the engine's {@link NnKernels} say. */
    private final boolean vector;

    Pool(Shape in, boolean max, int k, int s, int p, GemmEngine engine) {
        super(LayerKind.POOL, in, new Shape(in.c(), (in.h() + 2 * p - k) / s + 1, (in.w() + 2 * p - k) / s + 1));
        this.max = max;
        this.k = k;
        this.s = s;
        this.p = p;
        this.engine = engine;
        this.vector = NnKernels.of(engine.isa()).vectorRows();
    }

    /**
     * Per part of the plane split, the column maxima and their adjacent pairs of one output
     * row, and the part task (one unit per part, so part q owns row buffers q) with the
     * current call's operands: one calling thread's, kept, so a call allocates nothing.
     */
    final class Scratch implements RangeTask {
        final float[][][] rows;
        float[] x;
        float[] y;
        int planes;

        Scratch(int parts) {
            rows = new float[parts][2][in.w()];
        }

        @Override
        public void run(int q0, int q1) {
            int parts = rows.length;
            for (int q = q0; q < q1; q++) {
                planes(x, y, (int) ((long) planes * q / parts), (int) ((long) planes * (q + 1) / parts), rows[q]);
            }
        }
    }

    @Override
    Scratch scratch(int batch) {
        return new Scratch(Math.max(1, Math.min(engine.threads(), batch * in.c())));
    }

    @Override
    void forward(float[] x, float[] y, int batch, Scratch ps, LayerTimes times) {
        int planes = batch * in.c();
        int parts = ps.rows.length;
        if (parts == 1) {
            planes(x, y, 0, planes, ps.rows[0]);
            return;
        }
        ps.x = x;
        ps.y = y;
        ps.planes = planes;
        try {
            engine.runRanges(parts, parts, ps);
        } finally {
            ps.x = null;
            ps.y = null;
        }
    }

    private void planes(float[] x, float[] y, int plane0, int plane1, float[][] rows) {
        if (max) {
            maxPool(x, y, plane0, plane1, rows[0], rows[1]);
        } else {
            avgPool(x, y, plane0, plane1);
        }
    }

    /**
     * Separable, columns first: for each output row, the maxima over its window's input rows
     * for every column (whole rows, element-wise: {@link VectorRows} when the engine's
     * {@link NnKernels} say so, else loops C2 may vectorise), then, for k = 3, the maxima of adjacent column pairs
     * (element-wise again), so that each output's horizontal
     * window costs one scalar max; only the outputs whose window crosses the padding take the
     * clipped general loop; for k = 3, s = 2 (ResNet's) with the vector module, the inside
     * outputs are whole vectors instead ({@link VectorRows#max3Stride2}). Exact: {@link Math#max} does not depend on the order or grouping
     * (NaN and signed zeros included), and {@code max(-inf, v) == v}, so a window starts at
     * its first valid tap.
     *
     * <p>{@code [plane0, plane1)} of the {@code batch * C} planes, so threads can split them.
     */
    private void maxPool(float[] x, float[] y, int plane0, int plane1, float[] col, float[] pair) {
        boolean vector = this.vector;
        int h = in.h();
        int w = in.w();
        int oh = out.h();
        int ow = out.w();
        // outputs [lo, hi) have their whole window inside the row
        int lo = Math.min(ow, (p + s - 1) / s);
        int hi = Math.max(lo, Math.min(ow, w + p - k < 0 ? 0 : (w + p - k) / s + 1));
        for (int plane = plane0; plane < plane1; plane++) {
            int base = plane * h * w;
            int o = plane * oh * ow;
            for (int oy = 0; oy < oh; oy++, o += ow) {
                int y0 = Math.max(0, oy * s - p);
                int y1 = Math.min(h, oy * s - p + k);
                if (y0 >= y1) {
                    Arrays.fill(y, o, o + ow, Float.NEGATIVE_INFINITY);
                    continue;
                }
                int r0 = base + y0 * w;
                if (y1 - y0 == 3 && vector) {
                    VectorRows.max3(x, r0, w, col);
                } else if (y1 - y0 == 3) {
                    int r1 = r0 + w;
                    int r2 = r1 + w;
                    for (int ix = 0; ix < w; ix++) {
                        col[ix] = Math.max(Math.max(x[r0 + ix], x[r1 + ix]), x[r2 + ix]);
                    }
                } else {
                    System.arraycopy(x, r0, col, 0, w);
                    for (int iy = y0 + 1; iy < y1; iy++) {
                        int r = base + iy * w;
                        if (vector) {
                            VectorRows.maxInto(x, r, w, col);
                            continue;
                        }
                        for (int ix = 0; ix < w; ix++) {
                            col[ix] = Math.max(col[ix], x[r + ix]);
                        }
                    }
                }
                for (int ox = 0; ox < lo; ox++) {
                    y[o + ox] = clippedMax(col, ox, w);
                }
                if (k == 3 && s == 2 && vector) {
                    VectorRows.max3Stride2(col, p, lo, hi, y, o);
                } else if (k == 3) {
                    if (vector) {
                        VectorRows.pairs(col, w, pair);
                    } else {
                        for (int ix = 0; ix + 1 < w; ix++) {
                            pair[ix] = Math.max(col[ix], col[ix + 1]);
                        }
                    }
                    for (int ox = lo, b = lo * s - p; ox < hi; ox++, b += s) {
                        y[o + ox] = Math.max(pair[b], col[b + 2]);
                    }
                } else {
                    for (int ox = lo, b = lo * s - p; ox < hi; ox++, b += s) {
                        float m = col[b];
                        for (int j = 1; j < k; j++) {
                            m = Math.max(m, col[b + j]);
                        }
                        y[o + ox] = m;
                    }
                }
                for (int ox = hi; ox < ow; ox++) {
                    y[o + ox] = clippedMax(col, ox, w);
                }
            }
        }
    }

    /** The max of output {@code ox}'s window over the valid columns of {@code col}; -inf if none. */
    private float clippedMax(float[] col, int ox, int w) {
        int x0 = Math.max(0, ox * s - p);
        int x1 = Math.min(w, ox * s - p + k);
        float m = Float.NEGATIVE_INFINITY;
        for (int ix = x0; ix < x1; ix++) {
            m = Math.max(m, col[ix]);
        }
        return m;
    }

    /** Direct: each window's valid taps summed in row-major order (PyTorch's), divided by k*k. */
    private void avgPool(float[] x, float[] y, int plane0, int plane1) {
        int h = in.h();
        int w = in.w();
        int oh = out.h();
        int ow = out.w();
        float div = k * k;
        for (int plane = plane0; plane < plane1; plane++) {
            int base = plane * h * w;
            int o = plane * oh * ow;
            for (int oy = 0; oy < oh; oy++) {
                int y0 = Math.max(0, oy * s - p);
                int y1 = Math.min(h, oy * s - p + k);
                for (int ox = 0; ox < ow; ox++) {
                    int x0 = Math.max(0, ox * s - p);
                    int x1 = Math.min(w, ox * s - p + k);
                    float acc = 0f;
                    for (int iy = y0; iy < y1; iy++) {
                        int r = base + iy * w;
                        for (int ix = x0; ix < x1; ix++) {
                            acc += x[r + ix];
                        }
                    }
                    y[o++] = acc / div;
                }
            }
        }
    }

    @Override
    String describe() {
        return (max ? "max_pool" : "avg_pool") + " k" + k + " s" + s + " p" + p + " -> " + out;
    }
}
