package io.github.trit4j.bench;

import io.github.trit4j.nn.gemm.FloatGemm;
import io.github.trit4j.nn.internal.WindowProduct;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import static io.github.trit4j.bench.IntStemProducts.C;
import static io.github.trit4j.bench.IntStemProducts.KSIZE;
import static io.github.trit4j.bench.IntStemProducts.M;
import static io.github.trit4j.bench.IntStemProducts.OH;
import static io.github.trit4j.bench.IntStemProducts.OW;
import static io.github.trit4j.bench.IntStemProducts.PAD_ROWS;
import static io.github.trit4j.bench.IntStemProducts.PHASE_COLS;
import static io.github.trit4j.bench.IntStemProducts.PIXELS;
import static io.github.trit4j.bench.IntStemProducts.STRIDE;

/**
 * A Winograd (Toom-Cook) candidate for ResNet-18's fp32 stem (issue 18, item 3; "A Winograd
 * stem?" in docs/RESULTS.md): the 7x7 stride-2 convolution 3 -> 64 on a 224 x 224 image, read
 * from the same zero-padded stride phases as nn's FloatConv (plane {@code (ch, px)}, padded row
 * {@code 2Y + py}, column {@code X}), with fewer multiplies.
 *
 * <p>The polyphase split: output {@code (oy, ox)} is the sum over the 12 phase channels
 * {@code (ch, py, px)} of a stride-1 correlation with the sub-kernel {@code w[ch][2a + py][2b + px]}
 * ({@code a, b < 4}; taps past 6 are zero) over phase row {@code oy + a}, column {@code ox + b}.
 * Along the rows (y) that 4-tap correlation goes through Winograd's 1-D {@code F(m, 4)}: output
 * rows are taken in tiles of {@code m}, tile {@code ty} transforms phase rows
 * {@code ty*m .. ty*m + alpha - 1} ({@code alpha = m + 3}) into {@code alpha} transformed rows
 * {@code V_p = sum_r BT[p][r] * row_r}; along the columns it stays direct. For each transform
 * point {@code p}, the 42 nonzero (channel, column tap) pairs {@code (ch, py, px, b)} form a
 * window product of K = 42 over the transformed rows ({@code U_p = sum_a G[p][a] * w[..][2a + py][..]},
 * 64 x 42, the nn Vector API GEMM's own window kernel, each column tap {@code b} one more element
 * along the transformed row), and the {@code m} output rows are {@code sum_p AT[dy][p] * M_p}.
 * Multiplies per output: {@code 42 * alpha / m} against 147 (m = 4: 73.5, 2x fewer).
 *
 * <p>Not thread-safe (one instance's scratch); a benchmark study, not library code.
 */
final class WinogradStem {

    /** A Toom-Cook point set for F(m, 4): its matrices AT (m x alpha), G (alpha x 4), BT (alpha x alpha). */
    record Points(int m, String points, double[][] at, double[][] g, double[][] bt) {
    }

    /** Point sets by tile size m (generated exactly with rational arithmetic; BT rows scaled to integers). */
    static final Points[] POINTS = {
            new Points(2, "0, 1, -1, 1/2, inf",
                    new double[][] {{1.0, 1.0, 1.0, 1.0, 0.0}, {0.0, 1.0, -1.0, 1.0 / 2, 1.0}},
                    new double[][] {{1.0, 0.0, 0.0, 0.0}, {1.0 / 2, 1.0 / 2, 1.0 / 2, 1.0 / 2}, {1.0 / 6, -1.0 / 6, 1.0 / 6, -1.0 / 6}, {8.0 / 3, 4.0 / 3, 2.0 / 3, 1.0 / 3}, {0.0, 0.0, 0.0, 1.0 / 2}},
                    new double[][] {{1.0, -2.0, -1.0, 2.0, 0.0}, {0.0, -1.0, 1.0, 2.0, 0.0}, {0.0, -1.0, 3.0, -2.0, 0.0}, {0.0, 1.0, 0.0, -1.0, 0.0}, {0.0, 1.0, -2.0, -1.0, 2.0}}),
            new Points(3, "0, 1, -1, 2, -2, inf",
                    new double[][] {{1.0, 1.0, 1.0, 1.0, 1.0, 0.0}, {0.0, 1.0, -1.0, 2.0, -2.0, 0.0}, {0.0, 1.0, 1.0, 4.0, 4.0, 1.0}},
                    new double[][] {{1.0 / 4, 0.0, 0.0, 0.0}, {1.0 / 6, 1.0 / 6, 1.0 / 6, 1.0 / 6}, {1.0 / 6, -1.0 / 6, 1.0 / 6, -1.0 / 6}, {1.0 / 24, 1.0 / 12, 1.0 / 6, 1.0 / 3}, {1.0 / 24, -1.0 / 12, 1.0 / 6, -1.0 / 3}, {0.0, 0.0, 0.0, 1.0}},
                    new double[][] {{4.0, 0.0, -5.0, 0.0, 1.0, 0.0}, {0.0, 4.0, 4.0, -1.0, -1.0, 0.0}, {0.0, -4.0, 4.0, 1.0, -1.0, 0.0}, {0.0, -2.0, -1.0, 2.0, 1.0, 0.0}, {0.0, 2.0, -1.0, -2.0, 1.0, 0.0}, {0.0, 4.0, 0.0, -5.0, 0.0, 1.0}}),
            new Points(4, "0, 1, -1, 2, -2, 1/2, inf",
                    new double[][] {{1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0}, {0.0, 1.0, -1.0, 2.0, -2.0, 1.0 / 2, 0.0}, {0.0, 1.0, 1.0, 4.0, 4.0, 1.0 / 4, 0.0}, {0.0, 1.0, -1.0, 8.0, -8.0, 1.0 / 8, 1.0}},
                    new double[][] {{1.0 / 4, 0.0, 0.0, 0.0}, {1.0 / 6, 1.0 / 6, 1.0 / 6, 1.0 / 6}, {1.0 / 18, -1.0 / 18, 1.0 / 18, -1.0 / 18}, {1.0 / 72, 1.0 / 36, 1.0 / 18, 1.0 / 9}, {1.0 / 120, -1.0 / 60, 1.0 / 30, -1.0 / 15}, {32.0 / 45, 16.0 / 45, 8.0 / 45, 4.0 / 45}, {0.0, 0.0, 0.0, 1.0 / 2}},
                    new double[][] {{4.0, -8.0, -5.0, 10.0, 1.0, -2.0, 0.0}, {0.0, -4.0, 4.0, 9.0, -1.0, -2.0, 0.0}, {0.0, -4.0, 12.0, -7.0, -3.0, 2.0, 0.0}, {0.0, 2.0, -3.0, -4.0, 3.0, 2.0, 0.0}, {0.0, 2.0, -5.0, 0.0, 5.0, -2.0, 0.0}, {0.0, 4.0, 0.0, -5.0, 0.0, 1.0, 0.0}, {0.0, -4.0, 8.0, 5.0, -10.0, -1.0, 2.0}}),
            new Points(5, "0, 1, -1, 2, -2, 1/2, -1/2, inf",
                    new double[][] {{1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0}, {0.0, 1.0, -1.0, 2.0, -2.0, 1.0 / 2, -1.0 / 2, 0.0}, {0.0, 1.0, 1.0, 4.0, 4.0, 1.0 / 4, 1.0 / 4, 0.0}, {0.0, 1.0, -1.0, 8.0, -8.0, 1.0 / 8, -1.0 / 8, 0.0}, {0.0, 1.0, 1.0, 16.0, 16.0, 1.0 / 16, 1.0 / 16, 1.0}},
                    new double[][] {{1.0 / 4, 0.0, 0.0, 0.0}, {1.0 / 18, 1.0 / 18, 1.0 / 18, 1.0 / 18}, {1.0 / 18, -1.0 / 18, 1.0 / 18, -1.0 / 18}, {1.0 / 360, 1.0 / 180, 1.0 / 90, 1.0 / 45}, {1.0 / 360, -1.0 / 180, 1.0 / 90, -1.0 / 45}, {16.0 / 45, 8.0 / 45, 4.0 / 45, 2.0 / 45}, {16.0 / 45, -8.0 / 45, 4.0 / 45, -2.0 / 45}, {0.0, 0.0, 0.0, 1.0 / 4}},
                    new double[][] {{4.0, 0.0, -21.0, 0.0, 21.0, 0.0, -4.0, 0.0}, {0.0, -4.0, -4.0, 17.0, 17.0, -4.0, -4.0, 0.0}, {0.0, 4.0, -4.0, -17.0, 17.0, 4.0, -4.0, 0.0}, {0.0, 2.0, 1.0, -10.0, -5.0, 8.0, 4.0, 0.0}, {0.0, -2.0, 1.0, 10.0, -5.0, -8.0, 4.0, 0.0}, {0.0, 4.0, 8.0, -5.0, -10.0, 1.0, 2.0, 0.0}, {0.0, -4.0, 8.0, 5.0, -10.0, -1.0, 2.0, 0.0}, {0.0, -4.0, 0.0, 21.0, 0.0, -21.0, 0.0, 4.0}}),
            new Points(6, "0, 1, -1, 2, -2, 1/2, -1/2, 3, inf",
                    new double[][] {{1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0}, {0.0, 1.0, -1.0, 2.0, -2.0, 1.0 / 2, -1.0 / 2, 3.0, 0.0}, {0.0, 1.0, 1.0, 4.0, 4.0, 1.0 / 4, 1.0 / 4, 9.0, 0.0}, {0.0, 1.0, -1.0, 8.0, -8.0, 1.0 / 8, -1.0 / 8, 27.0, 0.0}, {0.0, 1.0, 1.0, 16.0, 16.0, 1.0 / 16, 1.0 / 16, 81.0, 0.0}, {0.0, 1.0, -1.0, 32.0, -32.0, 1.0 / 32, -1.0 / 32, 243.0, 1.0}},
                    new double[][] {{1.0 / 12, 0.0, 0.0, 0.0}, {1.0 / 36, 1.0 / 36, 1.0 / 36, 1.0 / 36}, {1.0 / 72, -1.0 / 72, 1.0 / 72, -1.0 / 72}, {1.0 / 360, 1.0 / 180, 1.0 / 90, 1.0 / 45}, {1.0 / 1800, -1.0 / 900, 1.0 / 450, -1.0 / 225}, {32.0 / 225, 16.0 / 225, 8.0 / 225, 4.0 / 225}, {32.0 / 315, -16.0 / 315, 8.0 / 315, -4.0 / 315}, {1.0 / 4200, 1.0 / 1400, 3.0 / 1400, 9.0 / 1400}, {0.0, 0.0, 0.0, 1.0 / 4}},
                    new double[][] {{12.0, -4.0, -63.0, 21.0, 63.0, -21.0, -12.0, 4.0, 0.0}, {0.0, -12.0, -8.0, 55.0, 34.0, -29.0, -8.0, 4.0, 0.0}, {0.0, 12.0, -16.0, -47.0, 68.0, -5.0, -16.0, 4.0, 0.0}, {0.0, 6.0, 1.0, -31.0, -5.0, 29.0, 4.0, -4.0, 0.0}, {0.0, -6.0, 5.0, 29.0, -25.0, -19.0, 20.0, -4.0, 0.0}, {0.0, 12.0, 20.0, -23.0, -25.0, 13.0, 5.0, -2.0, 0.0}, {0.0, -12.0, 28.0, 7.0, -35.0, 7.0, 7.0, -2.0, 0.0}, {0.0, -4.0, 0.0, 21.0, 0.0, -21.0, 0.0, 4.0, 0.0}, {0.0, 12.0, -4.0, -63.0, 21.0, 63.0, -21.0, -12.0, 4.0}})
    };

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Phase channels (ch, py, px). */
    static final int CH = C * STRIDE * STRIDE;
    /** Column taps of the sub-kernels: (ch, py, px, b) with 2b + px < 7. */
    static final int KW = C * STRIDE * KSIZE;
    /** Elements per phase channel in a transformed row (115 columns, then room for a vector's overhang). */
    static final int TC = 128;

    final Points points;
    final int m;
    final int alpha;
    /** Tiles of m output rows (the last one may be partial). */
    final int tiles;
    private final float[] bt;
    private final float[] at;
    private final WindowProduct[] products;
    private final int[] taps;
    private final float[] bias;
    private final float[] g;
    private final float[] shift;
    /** The transformed rows of one tile, per point: {@code [p][chan * TC + X]}. */
    private final float[][] tr;
    /** The window products' outputs for one tile: {@code [(p * M + o) * OW + ox]}. */
    private final float[] mb;

    /**
     * @param w     M x C x 7 x 7 weights (OIHW)
     * @param bias  per output channel, then {@code g}, {@code shift}: the folded BatchNorm, then ReLU; all
     *              null for the bare product
     */
    WinogradStem(Points points, float[] w, float[] bias, float[] g, float[] shift) {
        this.points = points;
        this.m = points.m();
        this.alpha = m + 3;
        this.tiles = (OH + m - 1) / m;
        if (OW % L != 0) {
            throw new IllegalStateException("OW = " + OW + " is not a multiple of " + L + " lanes");
        }
        this.bt = new float[alpha * alpha];
        this.at = new float[m * alpha];
        for (int p = 0; p < alpha; p++) {
            for (int r = 0; r < alpha; r++) {
                bt[p * alpha + r] = (float) points.bt()[p][r];
            }
            for (int dy = 0; dy < m; dy++) {
                at[dy * alpha + p] = (float) points.at()[dy][p];
            }
        }
        this.taps = new int[KW];
        this.products = new WindowProduct[alpha];
        for (int p = 0; p < alpha; p++) {
            float[] u = new float[M * KW];
            for (int o = 0; o < M; o++) {
                int k = 0;
                for (int ch = 0; ch < C; ch++) {
                    for (int py = 0; py < STRIDE; py++) {
                        for (int px = 0; px < STRIDE; px++) {
                            for (int b = 0; 2 * b + px < KSIZE; b++, k++) {
                                double s = 0;
                                for (int a = 0; 2 * a + py < KSIZE; a++) {
                                    s += points.g()[p][a] * w[((o * C + ch) * KSIZE + 2 * a + py) * KSIZE + 2 * b + px];
                                }
                                u[o * KW + k] = (float) s;
                                taps[k] = ((ch * STRIDE + py) * STRIDE + px) * TC + b;
                            }
                        }
                    }
                }
            }
            FloatGemm.Prepared prepared = FloatGemm.javaDefault().prepare(u, M, KW);
            if (!(prepared instanceof WindowProduct wp) || !wp.takesWindows(KW)) {
                throw new IllegalStateException("no window product for K = " + KW);
            }
            products[p] = wp;
        }
        this.bias = bias;
        this.g = g;
        this.shift = shift;
        this.tr = new float[alpha][CH * TC + 64];
        this.mb = new float[alpha * M * OW];
    }

    /** Multiplies per output of the product: {@code 42 * alpha / m}. */
    double multipliesPerOutput() {
        return (double) KW * alpha / m;
    }

    /** The whole layer's product, transforms and epilogue on stride phases {@code ph}, into {@code y} (M x 112 x 112). */
    void forward(float[] ph, float[] y) {
        for (int ty = 0; ty < tiles; ty++) {
            tile(ph, ty, y);
        }
    }

    /** One tile of m output rows. */
    void tile(float[] ph, int ty, float[] y) {
        inputTransform(ph, ty);
        for (int p = 0; p < alpha; p++) {
            products[p].multiplyWindows(tr[p], taps, 0, OW, 0, 1, mb, p * M * OW, OW);
        }
        outputTransform(ty, y);
    }

    private void inputTransform(float[] ph, int ty) {
        final int a = alpha;
        for (int ch = 0; ch < C; ch++) {
            for (int py = 0; py < STRIDE; py++) {
                for (int px = 0; px < STRIDE; px++) {
                    int chan = (ch * STRIDE + py) * STRIDE + px;
                    int plane = (ch * STRIDE + px) * PAD_ROWS;
                    int row0 = STRIDE * ty * m + py;
                    int rows = Math.min(a, (PAD_ROWS - row0 + 1) / STRIDE); // rows past the padding are zero
                    for (int x = 0; x < TC; x += L) {
                        for (int p = 0; p < a; p++) {
                            FloatVector acc = FloatVector.zero(S);
                            for (int r = 0; r < rows; r++) {
                                acc = FloatVector.fromArray(S, ph, (plane + row0 + STRIDE * r) * PHASE_COLS + x)
                                        .fma(FloatVector.broadcast(S, bt[p * a + r]), acc);
                            }
                            acc.intoArray(tr[p], chan * TC + x);
                        }
                    }
                }
            }
        }
    }

    private void outputTransform(int ty, float[] y) {
        final int a = alpha;
        for (int o = 0; o < M; o++) {
            boolean epilogue = bias != null;
            float b = epilogue ? bias[o] : 0f;
            float go = epilogue ? g[o] : 1f;
            float so = epilogue ? shift[o] : 0f;
            for (int dy = 0; dy < m && ty * m + dy < OH; dy++) {
                int out = o * PIXELS + (ty * m + dy) * OW;
                for (int x = 0; x < OW; x += L) {
                    FloatVector acc = FloatVector.zero(S);
                    for (int p = 0; p < a; p++) {
                        acc = FloatVector.fromArray(S, mb, (p * M + o) * OW + x)
                                .fma(FloatVector.broadcast(S, at[dy * a + p]), acc);
                    }
                    if (epilogue) {
                        acc = acc.add(b).fma(FloatVector.broadcast(S, go), FloatVector.broadcast(S, so)).max(0f);
                    }
                    acc.intoArray(y, out + x);
                }
            }
        }
    }
}
