package io.github.trit4j.bench;

import io.github.trit4j.nn.ModelFile;
import io.github.trit4j.nn.Network;
import io.github.trit4j.nn.NetworkOptions;
import io.github.trit4j.nn.Tensor;
import io.github.trit4j.nn.internal.WindowProduct;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;

import static io.github.trit4j.bench.IntStemProducts.C;
import static io.github.trit4j.bench.IntStemProducts.H;
import static io.github.trit4j.bench.IntStemProducts.K;
import static io.github.trit4j.bench.IntStemProducts.KSIZE;
import static io.github.trit4j.bench.IntStemProducts.M;
import static io.github.trit4j.bench.IntStemProducts.OH;
import static io.github.trit4j.bench.IntStemProducts.OW;
import static io.github.trit4j.bench.IntStemProducts.PAD;
import static io.github.trit4j.bench.IntStemProducts.PHASES;
import static io.github.trit4j.bench.IntStemProducts.PIXELS;
import static io.github.trit4j.bench.IntStemProducts.ROW_STRIDE;
import static io.github.trit4j.bench.IntStemProducts.SLACK;
import static io.github.trit4j.bench.IntStemProducts.STRIDE;

/**
 * The float error of the stem's products ("A Winograd stem?" in docs/RESULTS.md): today's fp32 window
 * product, nn's stem as it runs by default (its Winograd form on a vector engine) and the study's
 * {@link WinogradStem} for each tile size; for each
 * output, {@code |got - exact| / sum_k |w_k| |x_k|} with {@code exact} the direct convolution in
 * double precision; the maximum and mean over the 802,816 outputs of one image, on several
 * inputs (random, all-positive, a wide dynamic range, and sign patterns matched to each row of
 * the Winograd input transform BT, the inputs its transform amplifies most). In units of
 * {@code u = 2^-24}, float's unit roundoff; a K-term fp32 dot product is bounded by about
 * {@code K u} (147 u here).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar --add-modules jdk.incubator.vector io.github.trit4j.bench.StemErrors
 * </pre>
 */
final class StemErrors {
    static final double U = 0x1p-24;

    private StemErrors() {
    }

    static float[] uniform(SplittableRandom r, int n, double lo, double hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextDouble(lo, hi);
        }
        return v;
    }

    /** The direct convolution in double: {@code [0]} the sums, {@code [1]} the sums of |w||x|. */
    static double[][] exact(float[] w, float[] x) {
        double[] s = new double[M * PIXELS];
        double[] a = new double[M * PIXELS];
        for (int o = 0; o < M; o++) {
            for (int oy = 0; oy < OH; oy++) {
                for (int ox = 0; ox < OW; ox++) {
                    double t = 0;
                    double ta = 0;
                    for (int ch = 0; ch < C; ch++) {
                        for (int i = 0; i < KSIZE; i++) {
                            int iy = oy * STRIDE + i - PAD;
                            if (iy < 0 || iy >= H) {
                                continue;
                            }
                            for (int j = 0; j < KSIZE; j++) {
                                int ix = ox * STRIDE + j - PAD;
                                if (ix >= 0 && ix < H) {
                                    double p = (double) w[((o * C + ch) * KSIZE + i) * KSIZE + j] * x[(ch * H + iy) * H + ix];
                                    t += p;
                                    ta += Math.abs(p);
                                }
                            }
                        }
                    }
                    s[o * PIXELS + oy * OW + ox] = t;
                    a[o * PIXELS + oy * OW + ox] = ta;
                }
            }
        }
        return new double[][] {s, a};
    }

    /** {max, mean} of |got - exact| / sum |w||x| over the outputs, in units of u. */
    static double[] error(float[] got, double[][] exact) {
        double max = 0;
        double sum = 0;
        for (int i = 0; i < got.length; i++) {
            double e = exact[1][i] == 0 ? Math.abs(got[i]) : Math.abs(got[i] - exact[0][i]) / exact[1][i];
            max = Math.max(max, e);
            sum += e;
        }
        return new double[] {max / U, sum / got.length / U};
    }

    static void print(int onlyM) {
        SplittableRandom r = new SplittableRandom(7);
        float[] wRandom = uniform(r, M * K, -1, 1);
        float[] wPositive = uniform(r, M * K, 0, 1);
        record Case(String name, float[] w, float[] x) {
        }
        java.util.List<Case> cases = new java.util.ArrayList<>();
        cases.add(new Case("uniform [-1, 1]", wRandom, map(r, v -> v, -1, 1, null)));
        cases.add(new Case("all positive (w, x in [0, 1])", wPositive, map(r, v -> v, 0, 1, null)));
        cases.add(new Case("wide range (x = +-2^[-8, 8])", wRandom,
                map(r, v -> Math.signum(v) * Math.pow(2, 16 * Math.abs(v) - 8), -1, 1, null)));
        // F(4, 4)'s weak spot: the outputs of a tile's first row (padded rows 8t to 8t + 6) see only tiny inputs, the
        // tile's other rows (padded row 8t + 7) large ones; each output's own sum |w||x| is tiny, the transform's
        // rounding is not (bounded by the tile's inputs, not the output's)
        float[] tiles = map(r, v -> v, -1, 1, null);
        for (int ch = 0; ch < C; ch++) {
            for (int iy = 0; iy < H; iy++) {
                if ((iy + PAD) % 8 != 7) {
                    for (int ix = 0; ix < H; ix++) {
                        tiles[(ch * H + iy) * H + ix] *= 1e-6f;
                    }
                }
            }
        }
        cases.add(new Case("m = 4 tiles: rows 8t+7 at 1, others 1e-6", wRandom, tiles));
        for (WinogradStem.Points pts : WinogradStem.POINTS) {
            if (pts.m() != onlyM && onlyM > 0) {
                continue;
            }
            int a = pts.m() + 3;
            for (int p = 0; p < a; p++) {
                double[] row = pts.bt()[p];
                // phase row Y = iy' / 2 (padded row iy' = iy + PAD) with sign BT[p][Y mod alpha]
                cases.add(new Case("m = " + pts.m() + ", rows signed as BT row " + p, wRandom,
                        map(r, v -> v, 0.5, 1, row)));
            }
        }
        System.out.printf("%-40s %14s %14s", "input", "fp32 windows", "nn stem");
        for (WinogradStem.Points pts : WinogradStem.POINTS) {
            if (pts.m() == onlyM || onlyM <= 0) {
                System.out.printf(" %14s", "F(" + pts.m() + ",4)");
            }
        }
        System.out.println("   (max / mean of |err| / sum|w||x|, units of u = 2^-24)");
        float[] ph = new float[PHASES + SLACK];
        float[] y = new float[M * PIXELS];
        int[] taps = IntStemProducts.taps();
        for (Case c : cases) {
            double[][] ex = exact(c.w(), c.x());
            java.util.Arrays.fill(ph, 0f);
            StemWinogradBenchmark.toPhases(c.x(), ph);
            WindowProduct fp32 = StemWinogradBenchmark.windowProduct(c.w());
            fp32.multiplyWindows(ph, taps, ROW_STRIDE, OW, 0, OH, y, 0, PIXELS);
            double[] e = error(y, ex);
            double[] en = error(nnStem(c.w()).predict(c.x(), 1), ex);
            System.out.printf("%-40s %6.1f / %5.2f %6.1f / %5.2f", c.name(), e[0], e[1], en[0], en[1]);
            for (WinogradStem.Points pts : WinogradStem.POINTS) {
                if (pts.m() == onlyM || onlyM <= 0) {
                    new WinogradStem(pts, c.w(), null, null, null).forward(ph, y);
                    e = error(y, ex);
                    System.out.printf(" %6.1f / %5.2f", e[0], e[1]);
                }
            }
            System.out.println();
        }
    }

    /**
     * The stem as nn runs it by default (a one-conv network: float, no bias, no BatchNorm or ReLU, so its
     * outputs are the raw sums), on this JVM's default engine: Winograd F(4, 4) along rows on a vector engine.
     */
    static Network nnStem(float[] w) {
        String arch = "{\"name\": \"stem\", \"input\": {\"channels\": " + C + ", \"height\": " + H + ", \"width\": "
                + H + "}, \"classes\": " + M * PIXELS + ", \"layers\": [{\"type\": \"conv\", \"name\": \"conv1\", "
                + "\"mode\": \"float\", \"in\": " + C + ", \"out\": " + M + ", \"kernel\": " + KSIZE + ", \"stride\": "
                + STRIDE + ", \"padding\": " + PAD + ", \"bias\": false}, {\"type\": \"flatten\"}]}";
        return Network.of(ModelFile.of(arch, Map.of(),
                List.of(Tensor.f32("conv1.weight", w, M, C, KSIZE, KSIZE))), NetworkOptions.defaults());
    }

    /** An image of f(uniform(lo, hi)); with {@code signs}, row iy's values take the sign of signs[((iy + PAD) / 2) % alpha]. */
    private static float[] map(SplittableRandom r, DoubleUnaryOperator f, double lo, double hi, double[] signs) {
        float[] x = new float[C * H * H];
        for (int ch = 0; ch < C; ch++) {
            for (int iy = 0; iy < H; iy++) {
                double s = signs == null ? 1 : signs[((iy + PAD) / STRIDE) % signs.length] < 0 ? -1 : 1;
                for (int ix = 0; ix < H; ix++) {
                    x[(ch * H + iy) * H + ix] = (float) (s * f.applyAsDouble(r.nextDouble(lo, hi)));
                }
            }
        }
        return x;
    }

    public static void main(String[] args) {
        print(args.length > 0 ? Integer.parseInt(args[0]) : 0);
    }
}
