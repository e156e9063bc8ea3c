package io.github.trit4j.nn;

import io.github.trit4j.conv.Conv2dSpec;
import io.github.trit4j.nn.gemm.FloatGemm;
import io.github.trit4j.nn.internal.WindowProduct;

/**
 * The 7x7 stride-2 float convolution (ResNet's stem) with about half the multiplies: Winograd's
 * F(4, 4) along the rows of its polyphase split, direct along the columns (docs/RESULTS.md, "A
 * Winograd stem?").
 *
 * <p>The input is {@link FloatConv}'s zero-padded stride phases: plane {@code (ch, px)} holds the
 * padded columns {@code 2X + px}, all padded rows. Output {@code (oy, ox)} is the sum over the
 * phase channels {@code (ch, py, px)} of the 4-tap stride-1 correlation with
 * {@code w[ch][2a + py][2b + px]} ({@code a, b < 4}; taps past 6 are zero) at phase row
 * {@code oy + a} (padded row {@code 2(oy + a) + py}), column {@code ox + b}. Output rows are taken
 * in tiles of 4; tile {@code ty} transforms its 7 phase rows {@code 4ty + r} of each phase channel
 * into 7 rows {@code V_p = sum_r BT[p][r] d_r} (points 0, 1, -1, 2, -2, 1/2, infinity); for each
 * point {@code p}, one window product of K = 14 C ({@code (ch, py, px, b)} with {@code 2b + px < 7},
 * the weights {@code U_p = sum_a G[p][a] w[..][2a + py][..]}, rounded once from double) reads the
 * transformed rows in place, each column tap one element further along them; the 4 output rows
 * are {@code sum_p AT[dy][p] M_p}. Multiplies per output: 14 C * 7 / 4 = 24.5 C, against the direct
 * 49 C (the transforms are additions and multiplies by constants, shared by all output channels).
 *
 * <p>Error bound (not bit-identical to the direct product): each raw output (before the epilogue)
 * is within {@code (14 C + 16) u} of the exact sum of the same Winograd expression taken in absolute
 * values, {@code sum_k sum_p |AT[dy][p]| |U_p[k]| sum_r |BT[p][r]| |d_k[r]|} ({@code u = 2^-24}, to
 * first order), which is at most {@link #GROWTH} (39.9) times {@code sum |w| max |x|}: each weight's
 * absolute value times the largest input of its channel, row phase and column over the tile's 7
 * transformed phase rows (a superset of what the tile's 4 outputs read through that weight), where the
 * direct product's bound is about {@code 49 C u sum |w| |x|}. The bound is the tile's, not the output's: an
 * output whose own inputs are tiny beside large ones elsewhere in its tile can be off by much more than
 * its own {@code sum |w| |x|} allows a direct sum (docs/RESULTS.md measures both).
 *
 * <p>Immutable and thread-safe (the scratch is the caller's).
 */
final class WinogradRows {
    /** Output rows per tile. */
    static final int TILE = 4;
    /** Transform points (rows of a tile's input). */
    static final int ALPHA = 7;
    /**
     * {@code max_{dy, a} sum_r sum_p |AT[dy][p]| |G[p][a]| |BT[p][r]|}: the bound's growth over the
     * direct sum, exactly 1796/45.
     */
    static final double GROWTH = 1796.0 / 45;

    /** The input transform, BT (7 x 7), rows scaled to integers (exact in float). */
    static final float[] BT = {
            4, -8, -5, 10, 1, -2, 0,
            0, -4, 4, 9, -1, -2, 0,
            0, -4, 12, -7, -3, 2, 0,
            0, 2, -3, -4, 3, 2, 0,
            0, 2, -5, 0, 5, -2, 0,
            0, 4, 0, -5, 0, 1, 0,
            0, -4, 8, 5, -10, -1, 2};
    /** The weight transform G (7 x 4), BT's row scales divided out. */
    static final double[][] G = {
            {1.0 / 4, 0, 0, 0},
            {1.0 / 6, 1.0 / 6, 1.0 / 6, 1.0 / 6},
            {1.0 / 18, -1.0 / 18, 1.0 / 18, -1.0 / 18},
            {1.0 / 72, 1.0 / 36, 1.0 / 18, 1.0 / 9},
            {1.0 / 120, -1.0 / 60, 1.0 / 30, -1.0 / 15},
            {32.0 / 45, 16.0 / 45, 8.0 / 45, 4.0 / 45},
            {0, 0, 0, 1.0 / 2}};
    /** The output transform AT (4 x 7): the points' powers 0 to 3 (as {@link #outputRows} computes it). */
    static final double[][] AT = {
            {1, 1, 1, 1, 1, 1, 0},
            {0, 1, -1, 2, -2, 1.0 / 2, 0},
            {0, 1, 1, 4, 4, 1.0 / 4, 0},
            {0, 1, -1, 8, -8, 1.0 / 8, 1}};

    private final int c;
    private final int m;
    private final int oh;
    private final int ow;
    private final int padRows;
    private final int phaseCols;
    /** Elements per phase channel in a transformed row: the {@code ow + 3} columns the kept outputs read. */
    private final int rowLen;
    /** Elements per point in the transformed rows of a tile: all phase channels' rows and the products' slack. */
    private final int seg;
    private final WindowProduct[] products;
    /** Per point, the offset of each (ch, py, px, b) in the transformed rows. */
    private final int[][] taps;

    private WinogradRows(int c, int m, int oh, int ow, int padRows, int phaseCols, WindowProduct[] products,
                         int[][] taps, int rowLen, int seg) {
        this.c = c;
        this.m = m;
        this.oh = oh;
        this.ow = ow;
        this.padRows = padRows;
        this.phaseCols = phaseCols;
        this.products = products;
        this.taps = taps;
        this.rowLen = rowLen;
        this.seg = seg;
    }

    /**
     * The Winograd form of a float conv, or null where it does not apply: a kernel other than 7 x 7,
     * a stride other than 2, a dilation or groups other than 1, or a GEMM without a window product
     * for K = 14 C (the Vector API GEMM takes K up to 256: up to 18 input channels).
     *
     * @param w         OIHW weights
     * @param padRows   rows of a phase plane (at least {@code 2 oh + 5})
     * @param phaseCols columns of a phase plane (at least {@code ow + 3})
     */
    static WinogradRows of(Conv2dSpec spec, float[] w, int oh, int ow, int padRows, int phaseCols, FloatGemm gemm) {
        if (spec.kernelH() != 7 || spec.kernelW() != 7 || spec.strideH() != 2 || spec.strideW() != 2
                || spec.dilationH() != 1 || spec.dilationW() != 1 || spec.groups() != 1
                || padRows < 2 * oh + 5 || phaseCols < ow + 3) {
            return null;
        }
        int c = spec.inChannels();
        int m = spec.outChannels();
        int kw = 14 * c;
        int rowLen = ow + 3;
        // column tap k = (ch, py, px, b): its phase channel and its column offset b
        int[] chan = new int[kw];
        int[] col = new int[kw];
        for (int ch = 0, k = 0; ch < c; ch++) {
            for (int py = 0; py < 2; py++) {
                for (int px = 0; px < 2; px++) {
                    for (int b = 0; 2 * b + px < 7; b++, k++) {
                        chan[k] = (ch * 2 + py) * 2 + px;
                        col[k] = b;
                    }
                }
            }
        }
        WindowProduct[] products = new WindowProduct[ALPHA];
        int seg = 0;
        for (int p = 0; p < ALPHA; p++) {
            float[] u = new float[m * kw];
            for (int o = 0; o < m; o++) {
                for (int k = 0; k < kw; k++) {
                    int ch = chan[k] / 4;
                    int py = chan[k] / 2 % 2;
                    int px = chan[k] % 2;
                    double s = 0;
                    for (int a = 0; 2 * a + py < 7; a++) {
                        s += G[p][a] * w[((o * c + ch) * 7 + 2 * a + py) * 7 + 2 * col[k] + px];
                    }
                    u[o * kw + k] = (float) s;
                }
            }
            if (!(gemm.prepare(u, m, kw) instanceof WindowProduct wp) || !wp.takesWindows(kw)) {
                return null;
            }
            products[p] = wp;
            seg = Math.addExact(4 * c * rowLen, wp.windowSlack());
        }
        int[][] taps = new int[ALPHA][kw];
        for (int p = 0; p < ALPHA; p++) {
            for (int k = 0; k < kw; k++) {
                taps[p][k] = p * seg + chan[k] * rowLen + col[k];
            }
        }
        return new WinogradRows(c, m, oh, ow, padRows, phaseCols, products, taps, rowLen, seg);
    }

    /** Tiles of {@value #TILE} output rows (the last may be partial). */
    int tiles() {
        return (oh + TILE - 1) / TILE;
    }

    /** A scratch for {@link #tile}'s transformed rows (its entries past each row's data stay zero). */
    float[] newTransformed() {
        return new float[Math.multiplyExact(ALPHA, seg)];
    }

    /** A scratch for {@link #tile}'s products. */
    float[] newProducts() {
        return new float[Math.multiplyExact(Math.multiplyExact(ALPHA, m), ow)];
    }

    /**
     * Output rows {@code [4 ty, min(oh, 4 ty + 4))} of every output channel, the raw sums (no
     * bias or epilogue), into {@code y[off + o * pixels + oy * ow + ox]}.
     *
     * @param ph  the image's stride phases (FloatConv's layout)
     * @param tr  a {@link #newTransformed} scratch
     * @param mb  a {@link #newProducts} scratch
     */
    void tile(float[] ph, int ty, float[] tr, float[] mb, float[] y, int off, int pixels) {
        for (int ch = 0; ch < c; ch++) {
            for (int py = 0; py < 2; py++) {
                for (int px = 0; px < 2; px++) {
                    int row0 = 2 * TILE * ty + py;
                    int rows = Math.max(0, Math.min(ALPHA, (padRows - row0 + 1) / 2)); // the rest are zeros
                    VectorRows.winogradRows7(ph, ((ch * 2 + px) * padRows + row0) * phaseCols, 2 * phaseCols, rows,
                            BT, tr, seg, ((ch * 2 + py) * 2 + px) * rowLen, rowLen);
                }
            }
        }
        int plane = m * ow;
        for (int p = 0; p < ALPHA; p++) {
            products[p].multiplyWindows(tr, taps[p], 0, ow, 0, 1, mb, p * plane, ow);
        }
        int rows = Math.min(TILE, oh - TILE * ty);
        for (int o = 0; o < m; o++) {
            VectorRows.winogradOut4(mb, o * ow, plane, ow, rows, y, off + o * pixels + TILE * ty * ow, ow);
        }
    }

    /**
     * The output transform of one pixel: {@code rows} output rows {@code y[out + dy * ow]} from the 7
     * products {@code mb[i + p * plane]}, by the points' symmetry (the scalar form of
     * {@link VectorRows#winogradOut4}, lane for lane).
     */
    static void outputRows(float[] mb, int i, int plane, int rows, float[] y, int out, int ow) {
        float m0 = mb[i];
        float m1 = mb[i + plane];
        float m2 = mb[i + 2 * plane];
        float m3 = mb[i + 3 * plane];
        float m4 = mb[i + 4 * plane];
        float m5 = mb[i + 5 * plane];
        float m6 = mb[i + 6 * plane];
        float s1 = m1 + m2;
        float d1 = m1 - m2;
        float s2 = m3 + m4;
        float d2 = m3 - m4;
        y[out] = m0 + s1 + (s2 + m5);
        if (rows > 1) {
            y[out + ow] = d1 + d2 * 2f + m5 * 0.5f;
        }
        if (rows > 2) {
            y[out + 2 * ow] = s1 + s2 * 4f + m5 * 0.25f;
        }
        if (rows > 3) {
            y[out + 3 * ow] = d1 + d2 * 8f + (m5 * 0.125f + m6);
        }
    }
}
