package io.github.trit4j.nn;

import io.github.trit4j.GemmEngine;
import io.github.trit4j.RangeTask;
import io.github.trit4j.conv.Conv2d;
import io.github.trit4j.conv.Conv2dSpec;
import io.github.trit4j.conv.Layout;
import io.github.trit4j.quant.ActivationQuantizer;
import io.github.trit4j.nn.gemm.FloatGemm;
import io.github.trit4j.nn.gemm.PanelPrepared;
import io.github.trit4j.nn.internal.WindowProduct;

import java.util.Arrays;

/** The runtime's layers. All immutable and thread-safe; per-call buffers come from their scratch. */
final class Layers {

    private Layers() {
    }

    /**
     * A convolution with its float epilogue (folded BatchNorm, optional fused ReLU), the part
     * shared by {@link ConvLayer} and {@link BasicBlock}.
     */
    abstract static class ConvUnit {
        final String name;
        final Conv2dSpec spec;
        final Shape in;
        final Shape out;
        final boolean relu;

        ConvUnit(String name, Conv2dSpec spec, Shape in, boolean relu) {
            this.name = name;
            this.spec = spec;
            this.in = in;
            this.out = new Shape(spec.outChannels(), spec.outputHeight(in.h()), spec.outputWidth(in.w()));
            this.relu = relu;
        }

        abstract LayerKind kind();

        abstract Object scratch(int batch);

        /** {@code y = epilogue(conv(x))} for {@code batch} images. */
        abstract void forward(float[] x, int batch, float[] y, Object scratch);

        String describe() {
            return name + ": " + kind() + " " + spec + (relu ? " + relu" : "") + " -> " + out;
        }
    }

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
     */
    static final class FloatConv extends ConvUnit {
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
         * The stride-phase copy of the current image (its pad cells zero from the start and never
         * written), one panel buffer per part, and the part task over them (one unit per part,
         * so part q owns panel buffer q) with the current image's output: one calling thread's,
         * kept, so a multi-threaded image allocates nothing.
         */
        private final class PanelScratch implements RangeTask {
            final float[] phases;
            final float[][] panels;
            float[] y;
            int off;

            PanelScratch(float[] phases, float[][] panels) {
                this.phases = phases;
                this.panels = panels;
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
        }

        @Override
        LayerKind kind() {
            return LayerKind.FLOAT_CONV;
        }

        @Override
        Object scratch(int batch) {
            int pixels = out.h() * out.w();
            if (windows != null) {
                int phases = Math.multiplyExact(Math.multiplyExact(in.c() * spec.strideH(), padRows), phaseCols);
                return new WindowScratch(new float[Math.addExact(phases, windows.windowSlack())],
                        Math.max(1, Math.min(engine.threads(), windowGroups())));
            }
            if (panels != null) {
                int parts = Math.max(1, Math.min(engine.threads(), panelCount()));
                float[][] bufs = new float[parts][Math.multiplyExact(panels.panelWidth(), spec.patchLength())];
                int phases = Math.multiplyExact(Math.multiplyExact(in.c() * spec.strideH(), padRows), phaseCols);
                return new PanelScratch(new float[phases], bufs);
            }
            return new float[pixels * spec.patchLength()];
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
            if (scratch instanceof PanelScratch ps) {
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
            float[] cols = (float[]) scratch;
            for (int n = 0; n < batch; n++) {
                im2col(x, n * in.size(), cols);
                weights.multiply(cols, pixels, y, n * m * pixels, engine);
                epilogue(y, n * m * pixels, pixels, 0, pixels);
            }
        }

        /**
         * Copies one image into its stride phases: padded cell {@code (iy + p, ix + p)} of channel
         * {@code ch} goes to phase plane {@code (ch, (ix + p) % s)}, row {@code iy + p}, column
         * {@code (ix + p) / s}. Only the image's cells are written: the pad cells stay zero.
         */
        private void toPhases(float[] x, int base, float[] ph) {
            int c = in.c();
            int h = in.h();
            int w = in.w();
            int s = spec.strideH();
            int p = spec.padH();
            for (int ch = 0; ch < c; ch++) {
                for (int r = 0; r < s; r++) {
                    int ix0 = Math.floorMod(r - p, s); // first image column of this phase
                    int q0 = (ix0 + p) / s;
                    int plane = (ch * s + r) * padRows;
                    for (int iy = 0; iy < h; iy++) {
                        int src = base + (ch * h + iy) * w + ix0;
                        int dst = (plane + iy + p) * phaseCols + q0;
                        if (s == 1) {
                            System.arraycopy(x, src, ph, dst, w);
                            continue;
                        }
                        for (int ix = ix0; ix < w; ix += s, src += s, dst++) {
                            ph[dst] = x[src];
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

    /**
     * Quantized convolution: trit4j's {@link Conv2d} quantizes the float input with the conv's
     * own quantizer, packs and convolves (exact int32), then {@code y = (float) acc * c[o] + shift[o]}
     * in float32, and {@code max(y, 0)} when a ReLU is fused.
     */
    static final class QuantConv extends ConvUnit {
        final Conv2d conv;
        final ActivationQuantizer quantizer;
        final float[] c;
        final float[] shift;

        QuantConv(String name, Conv2d conv, Shape in, ActivationQuantizer quantizer, float[] c, float[] shift,
                  boolean relu) {
            super(name, conv.spec(), in, relu);
            this.conv = conv;
            this.quantizer = quantizer;
            this.c = c;
            this.shift = shift;
        }

        @Override
        LayerKind kind() {
            return LayerKind.QUANTIZED_CONV;
        }

        @Override
        Object scratch(int batch) {
            return new int[batch * out.size()];
        }

        @Override
        void forward(float[] x, int batch, float[] y, Object scratch) {
            int[] acc = (int[]) scratch;
            conv.forward(x, quantizer, batch, in.h(), in.w(), Layout.NCHW, acc);
            int pixels = out.h() * out.w();
            int m = spec.outChannels();
            for (int n = 0; n < batch; n++) {
                for (int o = 0; o < m; o++) {
                    float co = c[o];
                    float so = shift[o];
                    int base = (n * m + o) * pixels;
                    if (relu) {
                        for (int i = base; i < base + pixels; i++) {
                            y[i] = Math.max((float) acc[i] * co + so, 0f);
                        }
                    } else {
                        for (int i = base; i < base + pixels; i++) {
                            y[i] = (float) acc[i] * co + so;
                        }
                    }
                }
            }
        }

        @Override
        String describe() {
            return super.describe() + " [" + conv.weightPrecision() + " x " + conv.activationPrecision() + ", "
                    + quantizer + "]";
        }
    }

    /** A standalone convolution. */
    static final class ConvLayer extends Layer {
        final ConvUnit unit;

        ConvLayer(ConvUnit unit) {
            super(unit.kind(), unit.in, unit.out);
            this.unit = unit;
        }

        @Override
        Object scratch(int batch) {
            return unit.scratch(batch);
        }

        @Override
        void forward(float[] x, float[] y, int batch, Object scratch, LayerTimes times) {
            unit.forward(x, batch, y, scratch);
        }

        @Override
        String describe() {
            return unit.describe();
        }
    }

    /** {@code (x - mean[c]) / std[c]}. */
    static final class Normalize extends Layer {
        private final float[] mean;
        private final float[] std;

        Normalize(Shape in, float[] mean, float[] std) {
            super(LayerKind.NORMALIZE, in, in);
            this.mean = mean.clone();
            this.std = std.clone();
        }

        @Override
        void forward(float[] x, float[] y, int batch, Object scratch, LayerTimes times) {
            int plane = in.h() * in.w();
            for (int n = 0; n < batch; n++) {
                for (int c = 0; c < in.c(); c++) {
                    float m = mean[c];
                    float s = std[c];
                    int base = (n * in.c() + c) * plane;
                    for (int i = base; i < base + plane; i++) {
                        y[i] = (x[i] - m) / s;
                    }
                }
            }
        }

        @Override
        String describe() {
            return "normalize mean " + Arrays.toString(mean) + " std " + Arrays.toString(std);
        }
    }

    /** {@code max(x, 0)}. */
    static final class Relu extends Layer {
        Relu(Shape in) {
            super(LayerKind.RELU, in, in);
        }

        @Override
        void forward(float[] x, float[] y, int batch, Object scratch, LayerTimes times) {
            int n = batch * in.size();
            for (int i = 0; i < n; i++) {
                y[i] = Math.max(x[i], 0f);
            }
        }

        @Override
        String describe() {
            return "relu";
        }
    }

    /**
     * PyTorch's {@code MaxPool2d} / {@code AvgPool2d} with {@code ceil_mode=False}; max ignores padded
     * taps (PyTorch pads with -inf), average counts them as zeros ({@code count_include_pad=True}):
     * the sum of the window's valid taps in row-major order, divided by {@code k*k}.
     */
    static final class Pool extends Layer {
        final boolean max;
        final int k;
        final int s;
        final int p;
        /** Whose threads split the planes. */
        final GemmEngine engine;
        /** Whether {@link VectorRows} links here (the vector module is resolved). */
        private static final boolean VECTOR_ROWS = vectorRows();

        Pool(Shape in, boolean max, int k, int s, int p, GemmEngine engine) {
            super(LayerKind.POOL, in, new Shape(in.c(), (in.h() + 2 * p - k) / s + 1, (in.w() + 2 * p - k) / s + 1));
            this.max = max;
            this.k = k;
            this.s = s;
            this.p = p;
            this.engine = engine;
        }

        /**
         * Loads {@link VectorRows} by name, here and not in that class: its static initialiser
         * is what fails without the vector module.
         */
        private static boolean vectorRows() {
            try {
                Class.forName("io.github.trit4j.nn.VectorRows", true, Layers.class.getClassLoader());
                return true;
            } catch (ClassNotFoundException | LinkageError e) {
                return false;
            }
        }

        /**
         * Per part of the plane split, the column maxima and their adjacent pairs of one output
         * row, and the part task (one unit per part, so part q owns row buffers q) with the
         * current call's operands: one calling thread's, kept, so a call allocates nothing.
         */
        private final class PoolScratch implements RangeTask {
            final float[][][] rows;
            float[] x;
            float[] y;
            int planes;

            PoolScratch(int parts) {
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
        Object scratch(int batch) {
            return new PoolScratch(Math.max(1, Math.min(engine.threads(), batch * in.c())));
        }

        @Override
        void forward(float[] x, float[] y, int batch, Object scratch, LayerTimes times) {
            PoolScratch ps = (PoolScratch) scratch;
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
         * for every column (whole rows, element-wise: {@link VectorRows} when the vector module is
         * there, else loops C2 may vectorise), then, for k = 3, the maxima of adjacent column pairs
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
            boolean vector = VECTOR_ROWS;
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

    /** Mean over H x W: the plane's sum in row-major order, divided by H*W, giving [N, C]. */
    static final class GlobalAvgPool extends Layer {
        GlobalAvgPool(Shape in) {
            super(LayerKind.GLOBAL_POOL, in, new Shape(in.c(), 1, 1));
        }

        @Override
        void forward(float[] x, float[] y, int batch, Object scratch, LayerTimes times) {
            int plane = in.h() * in.w();
            float div = plane;
            for (int i = 0; i < batch * in.c(); i++) {
                float acc = 0f;
                int base = i * plane;
                for (int j = base; j < base + plane; j++) {
                    acc += x[j];
                }
                y[i] = acc / div;
            }
        }

        @Override
        String describe() {
            return "global_avg_pool -> " + out;
        }
    }

    /** [N, C, H, W] to [N, C*H*W]: the same values. */
    static final class Flatten extends Layer {
        Flatten(Shape in) {
            super(LayerKind.FLATTEN, in, new Shape(in.size(), 1, 1));
        }

        @Override
        void forward(float[] x, float[] y, int batch, Object scratch, LayerTimes times) {
            System.arraycopy(x, 0, y, 0, batch * in.size());
        }

        @Override
        String describe() {
            return "flatten -> " + out;
        }
    }

    /** {@code y = x W^T + b}: the GEMM {@code W x^T}, then bias (float32, after the product). */
    static final class Linear extends Layer {
        final String name;
        private final FloatGemm.Prepared weights;
        private final float[] bias;
        private final GemmEngine engine;

        Linear(String name, Shape in, int outFeatures, float[] weights, float[] bias, FloatGemm gemm,
               GemmEngine engine) {
            super(LayerKind.LINEAR, in, new Shape(outFeatures, 1, 1));
            this.name = name;
            this.weights = gemm.prepare(weights, outFeatures, in.c());
            this.bias = bias;
            this.engine = engine;
        }

        @Override
        Object scratch(int batch) {
            return batch == 1 ? null : new float[batch * out.c()];
        }

        @Override
        void forward(float[] x, float[] y, int batch, Object scratch, LayerTimes times) {
            int m = out.c();
            if (batch == 1) {
                weights.multiply(x, 1, y, 0, engine);
                if (bias != null) {
                    for (int o = 0; o < m; o++) {
                        y[o] = y[o] + bias[o];
                    }
                }
                return;
            }
            float[] t = (float[]) scratch;
            weights.multiply(x, batch, t, 0, engine);
            for (int n = 0; n < batch; n++) {
                for (int o = 0; o < m; o++) {
                    float v = t[o * batch + n];
                    y[n * m + o] = bias == null ? v : v + bias[o];
                }
            }
        }

        @Override
        String describe() {
            return name + ": linear " + in.c() + " -> " + out.c() + (bias != null ? " + bias" : "");
        }
    }

    /**
     * ResNet basic block: {@code relu(bn2(conv2(relu(bn1(conv1(x))))) + sc)} with {@code sc = x} or
     * {@code dbn(down(x))}; the BatchNorms are folded into the units, the first ReLU fused.
     */
    static final class BasicBlock extends Layer {
        final String name;
        final ConvUnit conv1;
        final ConvUnit conv2;
        final ConvUnit down;

        BasicBlock(String name, ConvUnit conv1, ConvUnit conv2, ConvUnit down) {
            super(conv1.kind(), conv1.in, conv2.out);
            this.name = name;
            this.conv1 = conv1;
            this.conv2 = conv2;
            this.down = down;
        }

        private record Scratch(float[] h, float[] sc, Object s1, Object s2, Object sd) {
        }

        @Override
        Object scratch(int batch) {
            int n = batch * out.size();
            return new Scratch(new float[n], down == null ? null : new float[n], conv1.scratch(batch),
                    conv2.scratch(batch), down == null ? null : down.scratch(batch));
        }

        @Override
        boolean timesItself() {
            return true;
        }

        @Override
        void forward(float[] x, float[] y, int batch, Object scratch, LayerTimes times) {
            Scratch s = (Scratch) scratch;
            long t0 = times == null ? 0 : System.nanoTime();
            conv1.forward(x, batch, s.h, s.s1);
            conv2.forward(s.h, batch, y, s.s2);
            float[] sc = x;
            if (down != null) {
                down.forward(x, batch, s.sc, s.sd);
                sc = s.sc;
            }
            long t1 = times == null ? 0 : System.nanoTime();
            int n = batch * out.size();
            for (int i = 0; i < n; i++) {
                y[i] = Math.max(y[i] + sc[i], 0f);
            }
            if (times != null) {
                times.add(conv1.kind(), t1 - t0);
                times.add(LayerKind.RESIDUAL_ADD, System.nanoTime() - t1);
            }
        }

        @Override
        String describe() {
            return name + ": basic_block " + in + " -> " + out + "\n    " + conv1.describe() + "\n    "
                    + conv2.describe() + (down != null ? "\n    " + down.describe() : "");
        }
    }
}
