package io.github.trit4j.nn;

import io.github.trit4j.GemmEngine;
import io.github.trit4j.RangeTask;
import io.github.trit4j.conv.Conv2dSpec;
import io.github.trit4j.nn.gemm.FloatGemm;
import io.github.trit4j.nn.gemm.PanelPrepared;
import io.github.trit4j.nn.internal.WindowProduct;

import java.util.Arrays;

/**
 * Float convolution: per image, im2col into rows of K = C*k*k (OIHW order, so the weights are
 * the GEMM's A as they are), then {@code C = W * cols^T}, which is the image's NCHW output.
 * Epilogue, in float32 in this order: {@code z = acc + bias[o]}; {@code z = z * g[o] + shift[o]}
 * when a BatchNorm is folded; {@code max(z, 0)} when a ReLU is fused.
 *
 * <p>When the GEMM takes its B as packed panels ({@link PanelPrepared}, the Vector API GEMM),
 * the image is done one panel of output pixels at a time: im2col writes the panel's patches
 * straight into the panel layout, the GEMM multiplies it and the epilogue runs on its columns
 * while they are in cache, and the engine's threads take disjoint ranges of panels. The
 * patches are copied from the input split into zero-padded stride phases ({@code s} planes
 * per channel holding the padded columns {@code s*q + r}), so that each tap of a row of
 * output pixels is one contiguous run with no bounds tests (the ResNet stem's patch matrix is
 * 12544 x 147, more than its GEMM's time when gathered element by element).
 *
 * <p>When the GEMM also reads the patches in place ({@link WindowProduct}, the Vector API GEMM
 * for {@code K <= 256}, which covers the ResNet stem's K = 147), no patch is copied at all:
 * the product loads each tap of a vector of output pixels straight from the stride phases,
 * a few output rows at a time, with the results of the panel path bit for bit; the engine's
 * threads take disjoint ranges of output rows.
 *
 * <p>A 7x7 stride-2 conv (the ResNet stem) with up to 18 input channels, on a vector engine whose
 * GEMM takes its pixels as panels and has window products (the Vector API GEMM), runs
 * Winograd's F(4, 4) along the rows of its stride phases instead ({@link WinogradRows}: about half
 * the multiplies, not bit-identical to the direct product, within the bound stated there); the
 * threads take disjoint ranges of its tiles of 4 output rows.
 */
final class FloatConv extends ConvUnit<Object> {
    private final FloatGemm.Prepared weights;
    private final float[] bias;
    private final float[] g;
    private final float[] shift;
    /** Whose threads the GEMM and the panel ranges use. */
    private final GemmEngine engine;
    /** The GEMM when it takes panels for this layer's pixel count, else null. */
    private final PanelPrepared panels;
    /** Padded rows and phase-plane columns of the stride-phase copy of an input image. */
    private final int padRows;
    private final int phaseCols;
    /** Offset of each tap in the phase planes ({@link #panelPatches}). */
    private final int[] tapOffset;
    /** The GEMM when it reads this layer's patches in place (and takes panels), else null. */
    private final WindowProduct windows;
    /** Output rows per window product call: about {@value #WINDOW_PIXELS} pixels, whose epilogue follows it. */
    private final int windowRows;
    private static final int WINDOW_PIXELS = 256;
    /**
     * The Winograd form when it applies ({@link WinogradRows#of}: a 7x7 stride-2 conv with up to 18 input
     * channels, a GEMM taking panels and windows, a vector engine), else null.
     */
    private final WinogradRows winograd;
    /**
     * A normalize folded into this conv, or null: input channel {@code c} is taken as
     * {@code (x - inMean[c]) / inStd[c]} (float32, as the {@link Normalize} layer computes it) where the input is
     * copied for the product (the stride phases, or an image copy before im2col); the padding stays zero, as it
     * is for a normalized input.
     */
    private final float[] inMean;
    private final float[] inStd;

    /**
     * The stride-phase copy of the current image (pad cells zero from the start and never
     * written, {@link WindowProduct#windowSlack} zeros after it) and the part task over
     * groups of output rows, with the current image's output: one calling thread's, kept, so
     * a multi-threaded image allocates nothing.
     */
    private final class WindowScratch implements RangeTask {
        final float[] phases;
        final int parts;
        float[] y;
        int off;

        WindowScratch(float[] phases, int parts) {
            this.phases = phases;
            this.parts = parts;
        }

        @Override
        public void run(int q0, int q1) {
            int groups = windowGroups();
            for (int q = q0; q < q1; q++) {
                windowRange(phases, (int) ((long) groups * q / parts), (int) ((long) groups * (q + 1) / parts), y,
                        off);
            }
        }
    }

    /**
     * The stride-phase copy of the current image and, per part, the Winograd tile scratch, and the
     * part task over ranges of tiles with the current image's output (as {@link WindowScratch}).
     */
    private final class WinogradScratch implements RangeTask {
        final float[] phases;
        final float[][] transformed;
        final float[][] products;
        float[] y;
        int off;

        WinogradScratch(float[] phases, int parts) {
            this.phases = phases;
            this.transformed = new float[parts][];
            this.products = new float[parts][];
            for (int q = 0; q < parts; q++) {
                transformed[q] = winograd.newTransformed();
                products[q] = winograd.newProducts();
            }
        }

        @Override
        public void run(int q0, int q1) {
            int tiles = winograd.tiles();
            int parts = transformed.length;
            for (int q = q0; q < q1; q++) {
                winogradRange(this, q, (int) ((long) tiles * q / parts), (int) ((long) tiles * (q + 1) / parts));
            }
        }
    }

    /**
     * One workspace's buffers: with panels, the stride-phase copy of the current image (its pad
     * cells zero from the start and never written), one panel buffer per part, and the part task
     * over them (one unit per part, so part q owns panel buffer q) with the current image's
     * output, kept so that a multi-threaded image allocates nothing; without panels, the image's
     * patch matrix {@code cols}.
     */
    final class Scratch implements RangeTask {
        final float[] phases;
        final float[][] panels;
        final float[] cols;
        /** Without panels and with a folded normalize: the normalized image, which im2col reads; else null. */
        final float[] image;
        float[] y;
        int off;

        Scratch(float[] phases, float[][] panels, float[] cols, float[] image) {
            this.phases = phases;
            this.panels = panels;
            this.cols = cols;
            this.image = image;
        }

        @Override
        public void run(int q0, int q1) {
            int units = panelCount();
            int parts = panels.length;
            for (int q = q0; q < q1; q++) {
                panelRange(phases, panels[q], (int) ((long) units * q / parts),
                        (int) ((long) units * (q + 1) / parts), y, off);
            }
        }
    }

    FloatConv(String name, Conv2dSpec spec, Shape in, float[] weights, float[] bias, float[] g, float[] shift,
              boolean relu, FloatGemm gemm, GemmEngine engine) {
        super(name, spec, in, relu);
        this.weights = gemm.prepare(weights, spec.outChannels(), spec.patchLength());
        this.bias = bias;
        this.g = g;
        this.shift = shift;
        this.engine = engine;
        int pixels = out.h() * out.w();
        this.panels = this.weights instanceof PanelPrepared pp && pp.takesPanels(pixels) ? pp : null;
        int k = spec.kernelH();
        int s = spec.strideH();
        int p = spec.padH();
        this.padRows = Math.max(in.h() + 2 * p, (out.h() - 1) * s + k);
        int padCols = Math.max(in.w() + 2 * p, (out.w() - 1) * s + k);
        this.phaseCols = (padCols + s - 1) / s;
        this.tapOffset = tapOffsets(in.c(), k, s, padRows, phaseCols);
        this.windows = panels != null && this.weights instanceof WindowProduct wp
                && wp.takesWindows(spec.patchLength()) ? wp : null;
        this.windowRows = Math.max(1, Math.min(out.h(), WINDOW_PIXELS / out.w()));
        this.winograd = panels != null && NnKernels.of(engine.isa()).vectorRows()
                ? WinogradRows.of(spec, weights, out.h(), out.w(), padRows, phaseCols, gemm) : null;
        this.inMean = null;
        this.inStd = null;
    }

    /** {@code c} with a normalize folded in (see {@link #inMean}). */
    private FloatConv(FloatConv c, float[] mean, float[] std) {
        super(c.name, c.spec, c.in, c.relu);
        this.weights = c.weights;
        this.bias = c.bias;
        this.g = c.g;
        this.shift = c.shift;
        this.engine = c.engine;
        this.panels = c.panels;
        this.padRows = c.padRows;
        this.phaseCols = c.phaseCols;
        this.tapOffset = c.tapOffset;
        this.windows = c.windows;
        this.windowRows = c.windowRows;
        this.winograd = c.winograd;
        this.inMean = mean.clone();
        this.inStd = std.clone();
    }

    /**
     * This conv taking its input through {@code (x - mean[c]) / std[c]} per input channel first: a
     * {@link Normalize} layer before it folded in, with the same results, bit for bit.
     *
     * @param mean per input channel
     * @param std  per input channel, each finite and positive
     * @return the conv with the normalize folded in
     */
    FloatConv normalizingInput(float[] mean, float[] std) {
        return new FloatConv(this, mean, std);
    }

    @Override
    LayerKind kind() {
        return LayerKind.FLOAT_CONV;
    }

    @Override
    String describe() {
        String d = winograd == null ? super.describe() : super.describe() + " (Winograd F(4,4) along rows)";
        return inMean == null ? d : d + " (normalize folded in: mean " + Arrays.toString(inMean) + " std "
                + Arrays.toString(inStd) + ")";
    }

    @Override
    Object scratch(int batch) {  // a WindowScratch or a Scratch: which one is fixed per layer
        int pixels = out.h() * out.w();
        if (winograd != null) {
            int phases = Math.multiplyExact(Math.multiplyExact(in.c() * spec.strideH(), padRows), phaseCols);
            return new WinogradScratch(new float[phases], Math.max(1, Math.min(engine.threads(), winograd.tiles())));
        }
        if (windows != null) {
            int phases = Math.multiplyExact(Math.multiplyExact(in.c() * spec.strideH(), padRows), phaseCols);
            return new WindowScratch(new float[Math.addExact(phases, windows.windowSlack())],
                    Math.max(1, Math.min(engine.threads(), windowGroups())));
        }
        if (panels != null) {
            int parts = Math.max(1, Math.min(engine.threads(), panelCount()));
            float[][] bufs = new float[parts][Math.multiplyExact(panels.panelWidth(), spec.patchLength())];
            int phases = Math.multiplyExact(Math.multiplyExact(in.c() * spec.strideH(), padRows), phaseCols);
            return new Scratch(new float[phases], bufs, null, null);
        }
        return new Scratch(null, null, new float[Math.multiplyExact(pixels, spec.patchLength())],
                inMean == null ? null : new float[in.size()]);
    }

    /** Groups of {@link #windowRows} output rows, the last one shorter. */
    private int windowGroups() {
        return (out.h() + windowRows - 1) / windowRows;
    }

    private int panelCount() {
        int nr = panels.panelWidth();
        return (out.h() * out.w() + nr - 1) / nr;
    }

    @Override
    void forward(float[] x, int batch, float[] y, Object scratch) {
        int pixels = out.h() * out.w();
        int m = spec.outChannels();
        if (scratch instanceof WinogradScratch ws) {
            int parts = ws.transformed.length;
            for (int n = 0; n < batch; n++) {
                int off = n * m * pixels;
                toPhases(x, n * in.size(), ws.phases);
                ws.y = y;
                ws.off = off;
                try {
                    if (parts == 1) {
                        winogradRange(ws, 0, 0, winograd.tiles());
                    } else {
                        engine.runRanges(parts, parts, ws);
                    }
                } finally {
                    ws.y = null;
                }
            }
            return;
        }
        if (scratch instanceof WindowScratch ws) {
            for (int n = 0; n < batch; n++) {
                int off = n * m * pixels;
                toPhases(x, n * in.size(), ws.phases);
                if (ws.parts == 1) {
                    windowRange(ws.phases, 0, windowGroups(), y, off);
                } else {
                    ws.y = y;
                    ws.off = off;
                    try {
                        engine.runRanges(ws.parts, ws.parts, ws);
                    } finally {
                        ws.y = null;
                    }
                }
            }
            return;
        }
        Scratch ps = (Scratch) scratch;
        if (ps.panels != null) {
            int units = panelCount();
            int parts = ps.panels.length;
            for (int n = 0; n < batch; n++) {
                int off = n * m * pixels;
                toPhases(x, n * in.size(), ps.phases);
                if (parts == 1) {
                    panelRange(ps.phases, ps.panels[0], 0, units, y, off);
                } else {
                    ps.y = y;
                    ps.off = off;
                    try {
                        engine.runRanges(parts, parts, ps);
                    } finally {
                        ps.y = null;
                    }
                }
            }
            return;
        }
        float[] cols = ps.cols;
        for (int n = 0; n < batch; n++) {
            if (ps.image != null) {
                normalized(x, n * in.size(), ps.image);
                im2col(ps.image, 0, cols);
            } else {
                im2col(x, n * in.size(), cols);
            }
            weights.multiply(cols, pixels, y, n * m * pixels, engine);
            epilogue(y, n * m * pixels, pixels, 0, pixels);
        }
    }

    /** Image {@code x[base..]} through the folded normalize, into {@code to}. */
    private void normalized(float[] x, int base, float[] to) {
        int plane = in.h() * in.w();
        for (int ch = 0; ch < in.c(); ch++) {
            float m = inMean[ch];
            float sd = inStd[ch];
            for (int i = ch * plane, end = i + plane; i < end; i++) {
                to[i] = (x[base + i] - m) / sd;
            }
        }
    }

    /**
     * Copies one image into its stride phases: padded cell {@code (iy + p, ix + p)} of channel
     * {@code ch} goes to phase plane {@code (ch, (ix + p) % s)}, row {@code iy + p}, column
     * {@code (ix + p) / s}, through the folded normalize if there is one. Only the image's cells
     * are written: the pad cells stay zero.
     */
    private void toPhases(float[] x, int base, float[] ph) {
        int c = in.c();
        int h = in.h();
        int w = in.w();
        int s = spec.strideH();
        int p = spec.padH();
        for (int ch = 0; ch < c; ch++) {
            boolean norm = inMean != null;
            float m = norm ? inMean[ch] : 0f;
            float sd = norm ? inStd[ch] : 1f;
            for (int r = 0; r < s; r++) {
                int ix0 = Math.floorMod(r - p, s); // first image column of this phase
                int q0 = (ix0 + p) / s;
                int plane = (ch * s + r) * padRows;
                for (int iy = 0; iy < h; iy++) {
                    int src = base + (ch * h + iy) * w + ix0;
                    int dst = (plane + iy + p) * phaseCols + q0;
                    if (norm) {
                        for (int ix = ix0; ix < w; ix += s, src += s, dst++) {
                            ph[dst] = (x[src] - m) / sd;
                        }
                    } else if (s == 1) {
                        System.arraycopy(x, src, ph, dst, w);
                    } else {
                        for (int ix = ix0; ix < w; ix += s, src += s, dst++) {
                            ph[dst] = x[src];
                        }
                    }
                }
            }
        }
    }

    /**
     * Row groups {@code [g0, g1)} of one image: the window product straight from the phases,
     * then the epilogue on the group's columns. Tap (ch, i, j) of output pixel (oy, ox) is at
     * {@code tapOffset[tap] + oy * s * phaseCols + ox}, as for {@link #panelPatches}.
     */
    private void windowRange(float[] ph, int g0, int g1, float[] y, int off) {
        int pixels = out.h() * out.w();
        int ow = out.w();
        int rowStride = spec.strideH() * phaseCols;
        for (int g = g0; g < g1; g++) {
            int oy0 = g * windowRows;
            int oy1 = Math.min(out.h(), oy0 + windowRows);
            windows.multiplyWindows(ph, tapOffset, rowStride, ow, oy0, oy1, y, off, pixels);
            epilogue(y, off, pixels, oy0 * ow, oy1 * ow);
        }
    }

    /** Winograd tiles {@code [t0, t1)} of one image with part {@code q}'s scratch, each followed by the epilogue on its rows. */
    private void winogradRange(WinogradScratch ws, int q, int t0, int t1) {
        int pixels = out.h() * out.w();
        int ow = out.w();
        for (int t = t0; t < t1; t++) {
            winograd.tile(ws.phases, t, ws.transformed[q], ws.products[q], ws.y, ws.off, pixels);
            int oy0 = t * WinogradRows.TILE;
            epilogue(ws.y, ws.off, pixels, oy0 * ow, Math.min(out.h(), oy0 + WinogradRows.TILE) * ow);
        }
    }

    /** Panels {@code [p0, p1)} of one image: im2col, GEMM and epilogue, panel by panel. */
    private void panelRange(float[] ph, float[] bp, int p0, int p1, float[] y, int off) {
        int nr = panels.panelWidth();
        int pixels = out.h() * out.w();
        for (int pn = p0; pn < p1; pn++) {
            int j0 = pn * nr;
            int cols = Math.min(nr, pixels - j0);
            panelPatches(ph, bp, j0, cols);
            panels.multiplyPanelColumns(bp, cols, y, off + j0, pixels);
            epilogue(y, off, pixels, j0, j0 + cols);
        }
    }

    /**
     * The patches of output pixels {@code [j0, j0 + cols)} as one panel: tap (ch, i, j) of the
     * pixels of output row {@code oy} from {@code ox} on is the run of phase plane
     * {@code (ch, j % s)}, padded row {@code oy * s + i}, from column {@code ox + j / s}, i.e.
     * at {@code tapOffset[tap] + oy * s * phaseCols + ox}. Pad columns of a last, partial panel
     * are zeros.
     */
    private void panelPatches(float[] ph, float[] bp, int j0, int cols) {
        int nr = panels.panelWidth();
        int s = spec.strideH();
        int ow = out.w();
        int[] taps = tapOffset;
        int kLen = taps.length;
        for (int col = 0; col < cols; ) {
            int pixel = j0 + col;
            int oy = pixel / ow;
            int ox = pixel % ow;
            int len = Math.min(ow - ox, cols - col);
            int base = oy * s * phaseCols + ox;
            for (int t = 0, dst = col; t < kLen; t++, dst += nr) {
                System.arraycopy(ph, base + taps[t], bp, dst, len);
            }
            col += len;
        }
        if (cols < nr) {
            for (int t = 0, dst = cols; t < kLen; t++, dst += nr) {
                Arrays.fill(bp, dst, dst - cols + nr, 0f);
            }
        }
    }

    /** {@link #panelPatches}' offset of each tap (ch, i, j) in the phase planes, for output pixel (0, 0). */
    private static int[] tapOffsets(int c, int k, int s, int padRows, int phaseCols) {
        int[] t = new int[c * k * k];
        int q = 0;
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    t[q++] = ((ch * s + j % s) * padRows + i) * phaseCols + j / s;
                }
            }
        }
        return t;
    }

    private void im2col(float[] x, int base, float[] cols) {
        int c = in.c();
        int h = in.h();
        int w = in.w();
        int k = spec.kernelH();
        int s = spec.strideH();
        int p = spec.padH();
        int oh = out.h();
        int ow = out.w();
        int kLen = spec.patchLength();
        int row = 0;
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++, row += kLen) {
                int q = row;
                int iy0 = oy * s - p;
                int ix0 = ox * s - p;
                for (int ch = 0; ch < c; ch++) {
                    int plane = base + ch * h * w;
                    for (int i = 0; i < k; i++) {
                        int iy = iy0 + i;
                        if (iy < 0 || iy >= h) {
                            Arrays.fill(cols, q, q + k, 0f);
                            q += k;
                            continue;
                        }
                        int src = plane + iy * w;
                        if (ix0 >= 0 && ix0 + k <= w) {
                            // a window inside the row: its k taps are one contiguous run
                            System.arraycopy(x, src + ix0, cols, q, k);
                            q += k;
                            continue;
                        }
                        for (int j = 0; j < k; j++, q++) {
                            int ix = ix0 + j;
                            cols[q] = ix >= 0 && ix < w ? x[src + ix] : 0f;
                        }
                    }
                }
            }
        }
    }

    /**
     * The epilogue on columns {@code [j0, j1)} of the image's output rows (one per channel):
     * {@code z = (acc + b) * g + shift}, then the ReLU, with {@code b = 0}, {@code g = 1},
     * {@code shift = 0} for a missing bias or BatchNorm (which changes nothing but the sign of
     * a zero sum), in one branch-free loop per channel.
     */
    private void epilogue(float[] y, int off, int pixels, int j0, int j1) {
        for (int o = 0; o < spec.outChannels(); o++) {
            float b = bias == null ? 0f : bias[o];
            float go = g == null ? 1f : g[o];
            float so = g == null ? 0f : shift[o];
            int from = off + o * pixels + j0;
            int to = off + o * pixels + j1;
            if (relu) {
                for (int i = from; i < to; i++) {
                    y[i] = Math.max((y[i] + b) * go + so, 0f);
                }
            } else {
                for (int i = from; i < to; i++) {
                    y[i] = (y[i] + b) * go + so;
                }
            }
        }
    }
}
