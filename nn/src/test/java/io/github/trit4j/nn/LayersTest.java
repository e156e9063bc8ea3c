package io.github.trit4j.nn;

import io.github.trit4j.GemmEngine;
import io.github.trit4j.Isa;
import io.github.trit4j.nn.gemm.FloatGemm;
import io.github.trit4j.nn.gemm.PanelPrepared;
import io.github.trit4j.nn.internal.WindowProduct;
import io.github.trit4j.quant.ActivationQuantizer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

/**
 * The layers against straightforward references. Tolerances: float paths (float GEMM, BN
 * folding, pooling, linear) within 1e-4 relative of a double reference (float32 rounding over
 * sums of up to a few hundred terms); the quantized conv's integer part exactly, and its float
 * epilogue exactly as the contract's float32 expressions.
 */
class LayersTest {

    static final NetworkOptions OPTIONS = NetworkOptions.defaults();

    static String input(int c, int h, int w) {
        return "\"input\": {\"channels\": " + c + ", \"height\": " + h + ", \"width\": " + w + "}";
    }

    static Network network(String name, int c, int h, int w, int classes, String layers, List<Tensor> tensors) {
        return network(name, c, h, w, classes, layers, tensors, OPTIONS);
    }

    static Network network(String name, int c, int h, int w, int classes, String layers, List<Tensor> tensors,
                           NetworkOptions options) {
        String arch = "{\"name\": \"" + name + "\", " + input(c, h, w) + ", \"classes\": " + classes
                + ", \"layers\": [" + layers + "]}";
        return Network.of(ModelFile.of(arch, Map.of(), tensors), options);
    }

    static List<Tensor> bn(String name, SplittableRandom r, int c, float[][] keep) {
        float[] gamma = new float[c];
        float[] var = new float[c];
        for (int i = 0; i < c; i++) {
            gamma[i] = (float) (0.5 + r.nextDouble());
            var[i] = (float) (0.2 + r.nextDouble());
        }
        float[] beta = Naive.randomFloats(r, c, 0.3);
        float[] mean = Naive.randomFloats(r, c, 0.3);
        keep[0] = gamma;
        keep[1] = beta;
        keep[2] = mean;
        keep[3] = var;
        return List.of(Tensor.f32(name + ".weight", gamma, c), Tensor.f32(name + ".bias", beta, c),
                Tensor.f32(name + ".running_mean", mean, c), Tensor.f32(name + ".running_var", var, c));
    }

    @Test
    void floatConvMatchesDirectConvolution() {
        qt().withExamples(40).forAll(integers().between(1, 6), integers().between(1, 9), integers().between(1, 3),
                        integers().between(0, 13))
                .checkAssert((c, o, kk, shw) -> {
                    int s = 1 + shw % 2;
                    int hw = 3 + shw / 2;
                    int k = 2 * kk - 1;
                    int p = k / 2;
                    SplittableRandom r = new SplittableRandom(c * 1000L + o * 100 + k * 10 + s + hw);
                    float[] wt = Naive.randomFloats(r, o * c * k * k, 0.5);
                    float[] bias = Naive.randomFloats(r, o, 0.5);
                    int batch = 2;
                    float[] x = Naive.randomFloats(r, batch * c * hw * hw, 1);
                    int oh = (hw + 2 * p - k) / s + 1;
                    Network net = network("conv", c, hw, hw, o * oh * oh,
                            "{\"type\": \"conv\", \"name\": \"c\", \"mode\": \"float\", \"in\": " + c + ", \"out\": " + o
                                    + ", \"kernel\": " + k + ", \"stride\": " + s + ", \"padding\": " + p
                                    + ", \"bias\": true}, {\"type\": \"flatten\"}",
                            List.of(Tensor.f32("c.weight", wt, o, c, k, k), Tensor.f32("c.bias", bias, o)));
                    double[] expected = Naive.conv(x, batch, c, hw, hw, wt, o, k, s, p);
                    int plane = oh * oh;
                    for (int i = 0; i < expected.length; i++) {
                        expected[i] += bias[(i / plane) % o];
                    }
                    Naive.assertClose(expected, net.predict(x, batch), 1e-4, "float conv " + c + "->" + o + " k" + k);
                });
    }

    /**
     * A normalize before a float conv is folded into the conv (applied where the conv copies its
     * input): the same output, bit for bit, as the conv on the input normalized first
     * ({@code (x - mean) / std} in float32), over channels, kernels, strides, paddings, batches,
     * thread counts and both float GEMMs (the window product and stride phases of the Vector API
     * GEMM, im2col of the scalar one); and a normalize before anything else stays a layer.
     */
    @Test
    void normalizeFoldedIntoAFloatConvIsBitIdentical() {
        qt().withExamples(40).forAll(integers().between(1, 4), integers().between(1, 4), integers().between(1, 3),
                        integers().between(0, 47))
                .checkAssert((c, kk, s, rest) -> {
                    int k = 2 * kk - 1;
                    int p = rest % (k / 2 + 1);
                    int hw = k + 2 + rest % 11;
                    int batch = 1 + rest % 3;
                    int threads = 1 + rest % 2;
                    FloatGemm gemm = rest % 4 < 2 ? FloatGemm.javaDefault() : FloatGemm.scalar();
                    int o = 5;
                    SplittableRandom r = new SplittableRandom(c * 100_000L + k * 1000 + s * 100 + rest);
                    float[] wt = Naive.randomFloats(r, o * c * k * k, 0.5);
                    float[] mean = new float[c]; // values the model file's JSON carries exactly
                    float[] std = new float[c];
                    for (int i = 0; i < c; i++) {
                        mean[i] = (r.nextInt(9) - 4) / 8f;
                        std[i] = (1 + r.nextInt(24)) / 16f;
                    }
                    float[] x = Naive.randomFloats(r, batch * c * hw * hw, 1);
                    int oh = (hw + 2 * p - k) / s + 1;
                    String conv = "{\"type\": \"conv\", \"name\": \"c\", \"mode\": \"float\", \"in\": " + c
                            + ", \"out\": " + o + ", \"kernel\": " + k + ", \"stride\": " + s + ", \"padding\": "
                            + p + ", \"bias\": false}, {\"type\": \"relu\"}, {\"type\": \"flatten\"}";
                    String normalize = "{\"type\": \"normalize\", \"mean\": " + java.util.Arrays.toString(mean)
                            + ", \"std\": " + java.util.Arrays.toString(std) + "}, ";
                    List<Tensor> t = List.of(Tensor.f32("c.weight", wt, o, c, k, k));
                    NetworkOptions options = OPTIONS.withThreads(threads).withFloatGemm(gemm);
                    Network folded = network("n", c, hw, hw, o * oh * oh, normalize + conv, t, options);
                    Network plain = network("n", c, hw, hw, o * oh * oh, conv, t, options);
                    assertFalse(folded.toString().contains("\n  normalize"), folded.toString());
                    float[] xn = new float[x.length];
                    int plane = hw * hw;
                    for (int i = 0; i < x.length; i++) {
                        int ch = (i / plane) % c;
                        xn[i] = (x[i] - mean[ch]) / std[ch];
                    }
                    float[] xCopy = x.clone();
                    assertArrayEquals(plain.predict(xn, batch), folded.predict(x, batch), 0f, "c " + c + " k " + k
                            + " s " + s + " p " + p + " hw " + hw + " batch " + batch + " threads " + threads + " "
                            + gemm.name());
                    assertArrayEquals(xCopy, x, 0f, "input untouched");
                });
        Network alone = network("n", 1, 4, 4, 16, "{\"type\": \"normalize\", \"mean\": [0.5], \"std\": [0.25]}, "
                + "{\"type\": \"flatten\"}", List.of());
        assertTrue(alone.toString().contains("normalize"), alone.toString());
    }

    /**
     * The panel path (stride-phase im2col, panel by panel, the engine's threads splitting the
     * panels) on stem-like and odd shapes: non-square inputs, rows shorter and longer than a
     * panel, a partial last panel, output channels not a multiple of the register tile, strides
     * 1 to 3 with padding, batch > 1, 1 to 3 threads; BatchNorm and ReLU folded so the epilogue
     * runs on each panel's columns.
     */
    @Test
    void floatConvPanelPathMatchesDirectConvolutionOnOddShapes() {
        int[][] cases = { // c, o, k, s, p, h, w
            {3, 9, 7, 2, 3, 37, 29}, {3, 64, 7, 2, 3, 32, 32}, {2, 5, 3, 1, 1, 11, 40}, {4, 7, 1, 2, 0, 17, 9},
            {1, 3, 5, 3, 2, 26, 19}, {5, 6, 3, 2, 0, 13, 70}, {3, 8, 2, 2, 1, 9, 9}};
        for (int[] cs : cases) {
            int c = cs[0], o = cs[1], k = cs[2], s = cs[3], p = cs[4], h = cs[5], w = cs[6];
            SplittableRandom r = new SplittableRandom(c * 7919L + o * 31 + k * 7 + s + h * 3 + w);
            float[] wt = Naive.randomFloats(r, o * c * k * k, 0.5);
            float[][] bnv = new float[4][];
            List<Tensor> t = new ArrayList<>(bn("c.bn", r, o, bnv));
            t.add(Tensor.f32("c.weight", wt, o, c, k, k));
            int oh = (h + 2 * p - k) / s + 1;
            int ow = (w + 2 * p - k) / s + 1;
            String layers = "{\"type\": \"conv\", \"name\": \"c\", \"mode\": \"float\", \"in\": " + c
                    + ", \"out\": " + o + ", \"kernel\": " + k + ", \"stride\": " + s + ", \"padding\": " + p
                    + ", \"bias\": false}, {\"type\": \"batchnorm\", \"name\": \"c.bn\", \"eps\": 1e-5}, "
                    + "{\"type\": \"relu\"}, {\"type\": \"flatten\"}";
            for (int batch : new int[] {1, 3}) {
                float[] x = Naive.randomFloats(r, batch * c * h * w, 1);
                double[] expected = Naive.relu(Naive.batchnorm(Naive.conv(x, batch, c, h, w, wt, o, k, s, p), batch, o,
                        oh * ow, bnv[0], bnv[1], bnv[2], bnv[3], 1e-5));
                for (int threads = 1; threads <= 3; threads++) {
                    Network net = network("conv", c, h, w, o * oh * ow, layers, t, OPTIONS.withThreads(threads));
                    Naive.assertClose(expected, net.predict(x, batch), 1e-4, "float conv " + java.util.Arrays.toString(cs)
                            + " batch " + batch + " threads " + threads);
                }
            }
        }
    }

    /**
     * The float GEMM's panels alone: {@link FloatGemm#javaDefault()}'s prepared operand seen only
     * as a {@link PanelPrepared}, so that a float convolution takes the im2col panel path instead
     * of reading its patches in place.
     */
    /**
     * The Vector API float GEMM (its window product) on a scalar engine, {@code threads} threads: the
     * window path with no Winograd stem ({@link FloatConv} takes {@link WinogradRows} only with a
     * vector engine).
     */
    static NetworkOptions windowsOnly(int threads) {
        return NetworkOptions.of(GemmEngine.of(Isa.SCALAR)).withThreads(threads).withFloatGemm(FloatGemm.javaDefault());
    }

    /**
     * The Winograd stem ({@link WinogradRows}: 7x7 stride-2 float convs with up to 18 input channels,
     * on a vector engine with the Vector API GEMM) against the direct convolution in double, within
     * its stated bound: {@code |y - exact| <= (14 C + 16) u N} with {@code N} the Winograd expression in
     * absolute values, and {@code N <= GROWTH * sum |w| max |x|} (random sizes down to one output
     * pixel, paddings 0 to 4, 1 to 20 channels, batches, threads; inputs of unit and of wide range).
     * Both sides of the rule: where it applies the network says so and where it does not (19 or 20
     * channels: K = 14 C is past the window product's 256; or fewer output pixels than the GEMM
     * takes as panels, so no window product) the result is the window or panel path's, bit for bit;
     * and on a scalar engine it never applies.
     */
    @Test
    void winogradStemIsWithinItsStatedBound() {
        if (!(FloatGemm.javaDefault().prepare(new float[1], 1, 1) instanceof WindowProduct)
                || !NnKernels.of(OPTIONS.engine().isa()).vectorRows()) {
            return; // no vector module or a scalar engine: never Winograd
        }
        qt().withExamples(40).forAll(integers().between(1, 20), integers().between(1, 70), integers().between(0, 4),
                integers().between(0, 1 << 20)).checkAssert((c, o, p, seed) -> {
                    SplittableRandom r = new SplittableRandom(seed * 31L + c * 1000 + o * 10 + p);
                    int h = Math.max(7 - 2 * p, 1 + r.nextInt(r.nextBoolean() ? 12 : 40));
                    int w = Math.max(7 - 2 * p, 1 + r.nextInt(r.nextBoolean() ? 12 : 70));
                    int oh = (h + 2 * p - 7) / 2 + 1;
                    int ow = (w + 2 * p - 7) / 2 + 1;
                    float[] wt = Naive.randomFloats(r, o * c * 49, 0.5);
                    String layers = "{\"type\": \"conv\", \"name\": \"c\", \"mode\": \"float\", \"in\": " + c
                            + ", \"out\": " + o + ", \"kernel\": 7, \"stride\": 2, \"padding\": " + p
                            + ", \"bias\": false}, {\"type\": \"flatten\"}";
                    List<Tensor> t = List.of(Tensor.f32("c.weight", wt, o, c, 7, 7));
                    int batch = 1 + r.nextInt(2);
                    int threads = 1 + r.nextInt(3);
                    boolean wide = r.nextInt(3) == 0;
                    float[] x = new float[batch * c * h * w];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = (float) (wide ? Math.scalb(r.nextGaussian(), r.nextInt(-12, 13)) : r.nextGaussian());
                    }
                    String what = "c" + c + " o" + o + " p" + p + " " + h + "x" + w + " batch " + batch + " threads "
                            + threads;
                    Network net = network("conv", c, h, w, o * oh * ow, layers, t, OPTIONS.withThreads(threads));
                    float[] got = net.predict(x, batch);
                    boolean panels = ((PanelPrepared) FloatGemm.javaDefault().prepare(new float[1], 1, 1))
                            .takesPanels(oh * ow);
                    if (c > 18 || !panels) {
                        assertFalse(net.toString().contains("Winograd"), what + ": " + net);
                        float[] direct = network("conv", c, h, w, o * oh * ow, layers, t, windowsOnly(threads))
                                .predict(x, batch);
                        assertArrayEquals(direct, got, what + ": not Winograd, so the direct product's bits");
                        return;
                    }
                    assertTrue(net.toString().contains("Winograd"), what + ": " + net);
                    assertFalse(network("conv", c, h, w, o * oh * ow, layers, t,
                            NetworkOptions.of(GemmEngine.of(Isa.SCALAR))).toString().contains("Winograd"), what);
                    double[] exact = Naive.conv(x, batch, c, h, w, wt, o, 7, 2, p);
                    double u = 0x1p-24;
                    for (int n = 0; n < batch; n++) {
                        for (int oc = 0; oc < o; oc++) {
                            for (int oy = 0; oy < oh; oy++) {
                                for (int ox = 0; ox < ow; ox++) {
                                    double[] bound = winogradBound(x, n, c, h, w, wt, oc, p, oy, ox);
                                    int i = ((n * o + oc) * oh + oy) * ow + ox;
                                    double err = Math.abs(got[i] - exact[i]);
                                    if (!(err <= (14 * c + 16) * u * bound[0])) {
                                        fail(what + ": output " + i + " is " + got[i] + ", exact " + exact[i]
                                                + ": error " + err + " past (14 C + 16) u N = "
                                                + (14 * c + 16) * u * bound[0]);
                                    }
                                    assertTrue(bound[0] <= WinogradRows.GROWTH * bound[1] * (1 + 1e-6),
                                            what + ": N = " + bound[0] + " past GROWTH * " + bound[1]);
                                }
                            }
                        }
                    }
                });
    }

    /**
     * For output (oy, ox) of channel oc of image n of a 7x7 stride-2 conv: {@code [0]} the Winograd
     * expression of {@link WinogradRows} in absolute values,
     * {@code sum_k sum_p |AT[dy][p]| |U_p[k]| sum_r |BT[p][r]| |d_k[r]|}, and {@code [1]}
     * {@code sum |w| max |x|} (each tap's largest input over the 7 phase rows its tile transforms).
     */
    static double[] winogradBound(float[] x, int n, int c, int h, int w, float[] wt, int oc, int p, int oy, int ox) {
        int ty = oy / 4;
        int dy = oy % 4;
        double sum = 0;
        double simple = 0;
        for (int ch = 0; ch < c; ch++) {
            for (int py = 0; py < 2; py++) {
                for (int px = 0; px < 2; px++) {
                    for (int b = 0; 2 * b + px < 7; b++) {
                        int ix = 2 * (ox + b) + px - p;
                        double[] d = new double[7];
                        for (int r = 0; r < 7; r++) {
                            int iy = 2 * (4 * ty + r) + py - p;
                            if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                d[r] = Math.abs(x[((n * c + ch) * h + iy) * w + ix]);
                            }
                        }
                        for (int q = 0; q < 7; q++) {
                            double uq = 0;
                            for (int a = 0; 2 * a + py < 7; a++) {
                                uq += WinogradRows.G[q][a] * wt[((oc * c + ch) * 7 + 2 * a + py) * 7 + 2 * b + px];
                            }
                            double v = 0;
                            for (int r = 0; r < 7; r++) {
                                v += Math.abs(WinogradRows.BT[q * 7 + r]) * d[r];
                            }
                            sum += Math.abs(WinogradRows.AT[dy][q]) * Math.abs((float) uq) * v;
                        }
                        double most = 0;
                        for (double v : d) {
                            most = Math.max(most, v);
                        }
                        for (int a = 0; 2 * a + py < 7; a++) {
                            simple += Math.abs(wt[((oc * c + ch) * 7 + 2 * a + py) * 7 + 2 * b + px]) * most;
                        }
                    }
                }
            }
        }
        return new double[] {sum, simple};
    }

    static FloatGemm panelsOnly() {
        FloatGemm inner = FloatGemm.javaDefault();
        return new FloatGemm() {
            @Override
            public Prepared prepare(float[] a, int m, int k) {
                Prepared p = inner.prepare(a, m, k);
                if (!(p instanceof PanelPrepared pp)) {
                    return p;
                }
                return new PanelPrepared() {
                    @Override
                    public int panelWidth() {
                        return pp.panelWidth();
                    }

                    @Override
                    public boolean takesPanels(int n) {
                        return pp.takesPanels(n);
                    }

                    @Override
                    public void multiplyPanels(float[] panels, int n, float[] c, int cOffset, GemmEngine engine) {
                        pp.multiplyPanels(panels, n, c, cOffset, engine);
                    }

                    @Override
                    public void multiplyPanelColumns(float[] panels, int cols, float[] c, int cOffset, int ldc) {
                        pp.multiplyPanelColumns(panels, cols, c, cOffset, ldc);
                    }

                    @Override
                    public int m() {
                        return pp.m();
                    }

                    @Override
                    public int k() {
                        return pp.k();
                    }

                    @Override
                    public void multiply(float[] b, int n, float[] c, int cOffset, GemmEngine engine) {
                        pp.multiply(b, n, c, cOffset, engine);
                    }
                };
            }

            @Override
            public String name() {
                return inner.name() + ", panels only";
            }
        };
    }

    /**
     * A float convolution whose GEMM reads the patches in place (the window product, stride
     * phases, no patch copied) gives the panel path's output bit for bit, with its BatchNorm and
     * ReLU epilogue: random channels, kernels 1 to 7, strides 1 to 3, paddings, non-square inputs
     * (output rows shorter and longer than a vector), K on both sides of the window limit,
     * batch 1 to 3, 1 to 3 threads; and ResNet-18's stem at its real size.
     */
    @Test
    void floatConvWindowPathEqualsPanelPathBitForBit() {
        if (!(FloatGemm.javaDefault().prepare(new float[1], 1, 1) instanceof WindowProduct)) {
            return; // the scalar GEMM (no vector module) has neither path
        }
        FloatGemm panels = panelsOnly();
        // ResNet-18's stem at its real size, 2 threads: 3 x 224 x 224 -> 64 x 112 x 112, K = 147
        SplittableRandom sr = new SplittableRandom(18);
        float[] stemW = Naive.randomFloats(sr, 64 * 3 * 49, 0.2);
        float[][] stemBn = new float[4][];
        List<Tensor> stemT = new ArrayList<>(bn("c.bn", sr, 64, stemBn));
        stemT.add(Tensor.f32("c.weight", stemW, 64, 3, 7, 7));
        String stem = "{\"type\": \"conv\", \"name\": \"c\", \"mode\": \"float\", \"in\": 3, \"out\": 64, "
                + "\"kernel\": 7, \"stride\": 2, \"padding\": 3, \"bias\": false}, {\"type\": \"batchnorm\", "
                + "\"name\": \"c.bn\", \"eps\": 1e-5}, {\"type\": \"relu\"}, {\"type\": \"flatten\"}";
        float[] stemX = Naive.randomFloats(sr, 3 * 224 * 224, 1);
        float[] stemExpected = network("stem", 3, 224, 224, 64 * 112 * 112, stem, stemT,
                OPTIONS.withThreads(2).withFloatGemm(panels)).predict(stemX, 1);
        float[] stemGot = network("stem", 3, 224, 224, 64 * 112 * 112, stem, stemT, windowsOnly(2))
                .predict(stemX, 1);
        for (int i = 0; i < stemGot.length; i++) {
            assertEquals(Float.floatToRawIntBits(stemExpected[i]), Float.floatToRawIntBits(stemGot[i]), "stem at " + i);
        }
        qt().withExamples(40).forAll(integers().between(1, 7), integers().between(1, 70), integers().between(1, 4),
                integers().between(0, 1 << 20)).checkAssert((c, o, kHalf, seed) -> {
                    SplittableRandom r = new SplittableRandom(seed * 13L + c * 1000 + o * 10 + kHalf);
                    int k = 2 * kHalf - 1 + (r.nextInt(4) == 0 ? 1 : 0);
                    int s = 1 + r.nextInt(3);
                    int p = r.nextInt(k / 2 + 1);
                    int h = Math.max(k, 1 + r.nextInt(30));
                    int w = Math.max(k, 1 + r.nextInt(80));
                    int oh = (h + 2 * p - k) / s + 1;
                    int ow = (w + 2 * p - k) / s + 1;
                    float[] wt = Naive.randomFloats(r, o * c * k * k, 0.5);
                    float[][] bnv = new float[4][];
                    List<Tensor> t = new ArrayList<>(bn("c.bn", r, o, bnv));
                    t.add(Tensor.f32("c.weight", wt, o, c, k, k));
                    String layers = "{\"type\": \"conv\", \"name\": \"c\", \"mode\": \"float\", \"in\": " + c
                            + ", \"out\": " + o + ", \"kernel\": " + k + ", \"stride\": " + s + ", \"padding\": " + p
                            + ", \"bias\": false}, {\"type\": \"batchnorm\", \"name\": \"c.bn\", \"eps\": 1e-5}, "
                            + "{\"type\": \"relu\"}, {\"type\": \"flatten\"}";
                    int batch = 1 + r.nextInt(3);
                    int threads = 1 + r.nextInt(3);
                    float[] x = Naive.randomFloats(r, batch * c * h * w, 1);
                    float[] expected = network("conv", c, h, w, o * oh * ow, layers, t,
                            OPTIONS.withThreads(threads).withFloatGemm(panels)).predict(x, batch);
                    float[] got = network("conv", c, h, w, o * oh * ow, layers, t, windowsOnly(threads))
                            .predict(x, batch);
                    for (int i = 0; i < got.length; i++) {
                        assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(got[i]), "conv c" + c
                                + " o" + o + " k" + k + " s" + s + " p" + p + " " + h + "x" + w + " batch " + batch
                                + " threads " + threads + " at " + i);
                    }
                });
    }

    @Test
    void batchNormFoldingMatchesUnfusedBatchNorm() {
        SplittableRandom r = new SplittableRandom(7);
        int c = 3, o = 8, k = 3, hw = 6;
        float[] wt = Naive.randomFloats(r, o * c * k * k, 0.5);
        float[][] bnv = new float[4][];
        List<Tensor> t = new ArrayList<>(bn("c.bn", r, o, bnv));
        t.add(Tensor.f32("c.weight", wt, o, c, k, k));
        Network net = network("bn", c, hw, hw, o * hw * hw,
                "{\"type\": \"conv\", \"name\": \"c\", \"mode\": \"float\", \"in\": 3, \"out\": 8, \"kernel\": 3, "
                        + "\"stride\": 1, \"padding\": 1, \"bias\": false}, {\"type\": \"batchnorm\", \"name\": \"c.bn\", "
                        + "\"eps\": 1e-5}, {\"type\": \"relu\"}, {\"type\": \"flatten\"}", t);
        float[] x = Naive.randomFloats(r, 2 * c * hw * hw, 1);
        double[] expected = Naive.relu(Naive.batchnorm(Naive.conv(x, 2, c, hw, hw, wt, o, k, 1, 1), 2, o, hw * hw,
                bnv[0], bnv[1], bnv[2], bnv[3], 1e-5));
        Naive.assertClose(expected, net.predict(x, 2), 1e-4, "conv + bn + relu");
    }

    @Test
    void quantizedConvIsTheIntegerConvolutionTimesTheFoldedScalePlusShift() {
        for (ConvMode mode : new ConvMode[] {ConvMode.FATNN, ConvMode.TERNARY_2BIT, ConvMode.CONVENTIONAL}) {
            SplittableRandom r = new SplittableRandom(11 + mode.ordinal());
            int c = 5, o = 7, k = 3, hw = 7, s = 2, p = 1, batch = 2;
            byte[] codes = Naive.randomCodes(r, o * c * k * k);
            float[] ws = new float[o];
            for (int i = 0; i < o; i++) {
                ws[i] = (float) (0.05 + r.nextDouble() * 0.1);
            }
            float[][] bnv = new float[4][];
            List<Tensor> t = new ArrayList<>(bn("q.bn", r, o, bnv));
            t.add(Tensor.i8("q.weight_codes", codes, o, c, k, k));
            t.add(Tensor.f32("q.weight_scale", ws, o));
            ActivationQuantizer q;
            switch (mode) {
                case FATNN -> {
                    t.add(Tensor.f32("q.act_alpha", new float[] {1.7f, 0.9f}, 2));
                    t.add(Tensor.f32("q.act_scale", new float[] {0.6f}, 1));
                    q = ActivationQuantizer.fatnn(0.6f, 1.7f, 0.9f);
                }
                case TERNARY_2BIT -> {
                    t.add(Tensor.f32("q.act_alpha", new float[] {1.7f, 0.9f, 1.3f}, 3));
                    t.add(Tensor.f32("q.act_scale", new float[] {0.6f}, 1));
                    q = ActivationQuantizer.fatnn(0.6f, 1.7f, 0.9f, 1.3f);
                }
                default -> {
                    t.add(Tensor.f32("q.act_clip", new float[] {1.9f}, 1));
                    q = ActivationQuantizer.uniform(mode.activationPrecision(), 1.9f);
                }
            }
            int oh = (hw + 2 * p - k) / s + 1;
            Network net = network("q", c, hw, hw, o * oh * oh,
                    "{\"type\": \"conv\", \"name\": \"q\", \"mode\": \"" + mode.fileName() + "\", \"in\": 5, \"out\": 7, "
                            + "\"kernel\": 3, \"stride\": 2, \"padding\": 1, \"bias\": false}, {\"type\": \"batchnorm\", "
                            + "\"name\": \"q.bn\", \"eps\": 1e-3}, {\"type\": \"flatten\"}", t);
            float[] x = Naive.randomFloats(r, batch * c * hw * hw, 1.2);
            byte[] xc = new byte[x.length];
            for (int i = 0; i < x.length; i++) {
                xc[i] = (byte) q.code(x[i]);
            }
            int[] acc = Naive.conv(xc, batch, c, hw, hw, codes, o, k, s, p);
            float actScale = mode == ConvMode.CONVENTIONAL ? 1.9f / 2 : 0.6f;
            float[] expected = new float[acc.length];
            for (int i = 0; i < acc.length; i++) {
                int ch = (i / (oh * oh)) % o;
                // the contract's float32 expressions, in its order
                float g = bnv[0][ch] / (float) Math.sqrt(bnv[3][ch] + 1e-3f);
                float shift = bnv[1][ch] - g * bnv[2][ch];
                float cc = (g * ws[ch]) * actScale;
                expected[i] = (float) acc[i] * cc + shift;
            }
            assertArrayEquals(expected, net.predict(x, batch), 0f, mode.toString());
        }
    }

    @Test
    void poolingMatchesPyTorchSemantics() {
        qt().withExamples(60).forAll(integers().between(1, 3), integers().between(1, 3), integers().between(0, 3),
                        integers().between(3, 10))
                .checkAssert((k, s, padMax, hw) -> {
                    int p = Math.min(padMax / 2, k / 2);
                    boolean max = padMax % 2 == 1;
                    SplittableRandom r = new SplittableRandom(k * 1000L + s * 100 + p * 10 + hw);
                    int c = 3, batch = 2;
                    int oh = (hw + 2 * p - k) / s + 1;
                    float[] x = Naive.randomFloats(r, batch * c * hw * hw, 1);
                    Network net = network("pool", c, hw, hw, c * oh * oh, "{\"type\": \"" + (max ? "max_pool" : "avg_pool")
                            + "\", \"kernel\": " + k + ", \"stride\": " + s + ", \"padding\": " + p
                            + "}, {\"type\": \"flatten\"}", List.of());
                    Naive.assertClose(Naive.pool(x, batch * c, hw, hw, max, k, s, p), net.predict(x, batch), 1e-6,
                            (max ? "max" : "avg") + " pool k" + k + " s" + s + " p" + p + " " + hw);
                });
    }

    /**
     * Max pooling is exact (a max of floats is one of them), so it is compared bit for bit, on
     * non-square planes wide and narrow, windows clipped by the padding on either edge (whose
     * taps count as -inf), the most negative float and signed zeros in the input (a network
     * refuses infinite inputs), batch > 1 and 1 to 3 threads splitting the planes; average
     * pooling within float rounding.
     */
    @Test
    void poolingIsExactOnOddShapesBatchesAndThreads() {
        int[][] cases = { // k, s, p, h, w
            {3, 2, 1, 112, 112}, {3, 2, 1, 15, 33}, {3, 1, 1, 7, 5}, {2, 2, 0, 9, 14}, {3, 3, 1, 10, 31},
            {5, 2, 2, 12, 17}, {4, 3, 2, 8, 23}, {1, 1, 0, 3, 4}, {3, 2, 0, 3, 3}};
        for (int[] cs : cases) {
            int k = cs[0], s = cs[1], p = cs[2], h = cs[3], w = cs[4];
            int oh = (h + 2 * p - k) / s + 1;
            int ow = (w + 2 * p - k) / s + 1;
            SplittableRandom r = new SplittableRandom(k * 1000L + s * 100 + p * 10 + h * 7 + w);
            int c = 5;
            for (int batch : new int[] {1, 2}) {
                float[] x = Naive.randomFloats(r, batch * c * h * w, 1);
                for (int i = 0; i < x.length; i += 1 + r.nextInt(13)) {
                    x[i] = switch (r.nextInt(3)) {
                        case 0 -> -Float.MAX_VALUE;
                        case 1 -> -0f;
                        default -> 0f;
                    };
                }
                float[] finite = x.clone();
                for (int i = 0; i < finite.length; i++) {
                    finite[i] = Math.max(finite[i], -3f);
                }
                for (boolean max : new boolean[] {true, false}) {
                    float[] in = max ? x : finite;
                    double[] expected = Naive.pool(in, batch * c, h, w, max, k, s, p);
                    for (int threads = 1; threads <= 3; threads++) {
                        Network net = network("pool", c, h, w, c * oh * ow, "{\"type\": \""
                                + (max ? "max_pool" : "avg_pool") + "\", \"kernel\": " + k + ", \"stride\": " + s
                                + ", \"padding\": " + p + "}, {\"type\": \"flatten\"}", List.of(),
                                OPTIONS.withThreads(threads));
                        float[] got = net.predict(in, batch);
                        String what = (max ? "max" : "avg") + " pool " + java.util.Arrays.toString(cs) + " batch "
                                + batch + " threads " + threads;
                        if (max) {
                            float[] exp = new float[expected.length];
                            for (int i = 0; i < exp.length; i++) {
                                exp[i] = (float) expected[i];
                            }
                            for (int i = 0; i < exp.length; i++) {
                                // the value exactly; the sign of a zero may be either (PyTorch keeps the first)
                                assertEquals(exp[i] == 0f ? 0f : exp[i], got[i] == 0f ? 0f : got[i], what + " at " + i);
                            }
                        } else {
                            Naive.assertClose(expected, got, 1e-6, what);
                        }
                    }
                }
            }
        }
    }

    /**
     * The 3x3 stride-2 max pool (ResNet's, vectorised along rows) bit for bit against a
     * {@link Math#max} fold over each window's valid taps, which is exact whatever the order
     * (infinities and signed zeros included; a network refuses NaN input): random heights and widths (output rows shorter
     * and longer than a vector, an overlapping last vector), padding 0 and 1, batch 1 to 3, 1 to
     * 3 threads.
     */
    @Test
    void maxPool3x3Stride2IsExactOnRandomShapes() {
        qt().withExamples(60).forAll(integers().between(1, 13), integers().between(3, 140), integers().between(0, 1),
                integers().between(0, 1 << 20)).checkAssert((h0, w, p, seed) -> {
                    int h = Math.max(h0, 3 - 2 * p);
                    SplittableRandom r = new SplittableRandom(seed * 7L + h * 1000 + w * 3 + p);
                    int c = 1 + r.nextInt(3);
                    int batch = 1 + r.nextInt(3);
                    int threads = 1 + r.nextInt(3);
                    int oh = (h + 2 * p - 3) / 2 + 1;
                    int ow = (w + 2 * p - 3) / 2 + 1;
                    float[] x = Naive.randomFloats(r, batch * c * h * w, 1);
                    for (int i = 0; i < x.length; i += 1 + r.nextInt(17)) {
                        x[i] = switch (r.nextInt(4)) {
                            case 0 -> -Float.MAX_VALUE;
                            case 1 -> -0f;
                            case 2 -> 0f;
                            default -> Float.MAX_VALUE;
                        };
                    }
                    Network net = network("pool", c, h, w, c * oh * ow, "{\"type\": \"max_pool\", \"kernel\": 3, "
                            + "\"stride\": 2, \"padding\": " + p + "}, {\"type\": \"flatten\"}", List.of(),
                            OPTIONS.withThreads(threads));
                    float[] got = net.predict(x, batch);
                    for (int plane = 0; plane < batch * c; plane++) {
                        for (int oy = 0; oy < oh; oy++) {
                            for (int ox = 0; ox < ow; ox++) {
                                float m = Float.NEGATIVE_INFINITY;
                                for (int iy = Math.max(0, 2 * oy - p); iy < Math.min(h, 2 * oy - p + 3); iy++) {
                                    for (int ix = Math.max(0, 2 * ox - p); ix < Math.min(w, 2 * ox - p + 3); ix++) {
                                        m = Math.max(m, x[(plane * h + iy) * w + ix]);
                                    }
                                }
                                int i = (plane * oh + oy) * ow + ox;
                                assertEquals(Float.floatToIntBits(m), Float.floatToIntBits(got[i]), "max pool " + h + "x"
                                        + w + " p" + p + " batch " + batch + " threads " + threads + " at " + i);
                            }
                        }
                    }
                });
    }

    @Test
    void globalAveragePoolAndLinearMatchReferences() {
        SplittableRandom r = new SplittableRandom(3);
        int c = 12, hw = 5, out = 9;
        float[] wt = Naive.randomFloats(r, out * c, 0.5);
        float[] b = Naive.randomFloats(r, out, 0.5);
        Network net = network("gap-fc", c, hw, hw, out, "{\"type\": \"global_avg_pool\"}, {\"type\": \"linear\", "
                + "\"name\": \"fc\", \"in\": 12, \"out\": 9, \"bias\": true}", List.of(Tensor.f32("fc.weight", wt, out, c),
                Tensor.f32("fc.bias", b, out)));
        for (int batch : new int[] {1, 3, 11}) {
            float[] x = Naive.randomFloats(r, batch * c * hw * hw, 1);
            double[] expected = new double[batch * out];
            for (int n = 0; n < batch; n++) {
                for (int o = 0; o < out; o++) {
                    double acc = b[o];
                    for (int ch = 0; ch < c; ch++) {
                        double mean = 0;
                        for (int i = 0; i < hw * hw; i++) {
                            mean += x[(n * c + ch) * hw * hw + i];
                        }
                        acc += mean / (hw * hw) * wt[o * c + ch];
                    }
                    expected[n * out + o] = acc;
                }
            }
            Naive.assertClose(expected, net.predict(x, batch), 1e-5, "gap + linear, batch " + batch);
        }
    }

    @Test
    void residualBlockMatchesNaiveReference() {
        for (int[] cfg : new int[][] {{4, 4, 1}, {4, 8, 2}, {3, 6, 1}}) {
            int in = cfg[0], out = cfg[1], s = cfg[2], hw = 7, batch = 2;
            SplittableRandom r = new SplittableRandom(in * 100 + out * 10 + s);
            List<Tensor> t = new ArrayList<>();
            float[] w1 = Naive.randomFloats(r, out * in * 9, 0.4);
            float[] w2 = Naive.randomFloats(r, out * out * 9, 0.4);
            float[] wd = Naive.randomFloats(r, out * in, 0.4);
            float[][] bn1 = new float[4][], bn2 = new float[4][], bnd = new float[4][];
            t.add(Tensor.f32("b.conv1.weight", w1, out, in, 3, 3));
            t.add(Tensor.f32("b.conv2.weight", w2, out, out, 3, 3));
            t.addAll(bn("b.bn1", r, out, bn1));
            t.addAll(bn("b.bn2", r, out, bn2));
            boolean down = s != 1 || in != out;
            if (down) {
                t.add(Tensor.f32("b.downsample.weight", wd, out, in, 1, 1));
                t.addAll(bn("b.downsample_bn", r, out, bnd));
            }
            int oh = (hw - 1) / s + 1;
            Network net = network("block", in, hw, hw, out * oh * oh, "{\"type\": \"basic_block\", \"name\": \"b\", "
                    + "\"in\": " + in + ", \"out\": " + out + ", \"stride\": " + s + ", \"mode\": \"float\"}, "
                    + "{\"type\": \"flatten\"}", t);
            float[] x = Naive.randomFloats(r, batch * in * hw * hw, 1);
            int plane = oh * oh;
            double[] h = Naive.relu(Naive.batchnorm(Naive.conv(x, batch, in, hw, hw, w1, out, 3, s, 1), batch, out,
                    plane, bn1[0], bn1[1], bn1[2], bn1[3], 1e-5));
            float[] hf = new float[h.length];
            for (int i = 0; i < h.length; i++) {
                hf[i] = (float) h[i];
            }
            double[] y = Naive.batchnorm(Naive.conv(hf, batch, out, oh, oh, w2, out, 3, 1, 1), batch, out, plane,
                    bn2[0], bn2[1], bn2[2], bn2[3], 1e-5);
            double[] sc;
            if (down) {
                sc = Naive.batchnorm(Naive.conv(x, batch, in, hw, hw, wd, out, 1, s, 0), batch, out, plane, bnd[0],
                        bnd[1], bnd[2], bnd[3], 1e-5);
            } else {
                sc = new double[x.length];
                for (int i = 0; i < x.length; i++) {
                    sc[i] = x[i];
                }
            }
            for (int i = 0; i < y.length; i++) {
                y[i] = Math.max(0, y[i] + sc[i]);
            }
            Naive.assertClose(y, net.predict(x, batch), 2e-4, "block " + in + "->" + out + " s" + s);
        }
    }

    @Test
    void quantizedResidualBlockMatchesNaiveReference() {
        int in = 4, out = 8, s = 2, hw = 6, batch = 1;
        SplittableRandom r = new SplittableRandom(5);
        List<Tensor> t = new ArrayList<>();
        String[] convs = {"b.conv1", "b.conv2", "b.downsample"};
        int[][] shapes = {{out, in, 3, 3}, {out, out, 3, 3}, {out, in, 1, 1}};
        byte[][] codes = new byte[3][];
        float[][] scales = new float[3][];
        float[][][] bns = new float[3][4][];
        String[] bnNames = {"b.bn1", "b.bn2", "b.downsample_bn"};
        for (int i = 0; i < 3; i++) {
            int[] sh = shapes[i];
            codes[i] = Naive.randomCodes(r, sh[0] * sh[1] * sh[2] * sh[3]);
            scales[i] = new float[out];
            for (int o = 0; o < out; o++) {
                scales[i][o] = (float) (0.1 + 0.1 * r.nextDouble());
            }
            t.add(Tensor.i8(convs[i] + ".weight_codes", codes[i], sh));
            t.add(Tensor.f32(convs[i] + ".weight_scale", scales[i], out));
            t.add(Tensor.f32(convs[i] + ".act_alpha", new float[] {2f, 1.5f}, 2));
            t.add(Tensor.f32(convs[i] + ".act_scale", new float[] {0.5f}, 1));
            t.addAll(bn(bnNames[i], r, out, bns[i]));
        }
        int oh = (hw - 1) / s + 1;
        Network net = network("qblock", in, hw, hw, out * oh * oh, "{\"type\": \"basic_block\", \"name\": \"b\", "
                + "\"in\": 4, \"out\": 8, \"stride\": 2, \"mode\": \"fatnn\"}, {\"type\": \"flatten\"}", t);
        ActivationQuantizer q = ActivationQuantizer.fatnn(0.5f, 2f, 1.5f);
        float[] x = Naive.randomFloats(r, batch * in * hw * hw, 1);
        float[] h = quantConv(q, x, in, hw, codes[0], scales[0], bns[0], out, 3, s, 1, true);
        float[] y = quantConv(q, h, out, oh, codes[1], scales[1], bns[1], out, 3, 1, 1, false);
        float[] sc = quantConv(q, x, in, hw, codes[2], scales[2], bns[2], out, 1, s, 0, false);
        for (int i = 0; i < y.length; i++) {
            y[i] = Math.max(y[i] + sc[i], 0f);
        }
        assertArrayEquals(y, net.predict(x, batch), 0f);
    }

    /** The contract's quantized conv + folded BN (+ ReLU) for one image, in its float32 order. */
    private static float[] quantConv(ActivationQuantizer q, float[] x, int c, int hw, byte[] codes, float[] ws,
                                     float[][] bn, int o, int k, int s, int p, boolean relu) {
        byte[] xc = new byte[x.length];
        for (int i = 0; i < x.length; i++) {
            xc[i] = (byte) q.code(x[i]);
        }
        int[] acc = Naive.conv(xc, 1, c, hw, hw, codes, o, k, s, p);
        int plane = acc.length / o;
        float[] y = new float[acc.length];
        for (int i = 0; i < acc.length; i++) {
            int ch = i / plane;
            float g = bn[0][ch] / (float) Math.sqrt(bn[3][ch] + 1e-5f);
            float shift = bn[1][ch] - g * bn[2][ch];
            float v = (float) acc[i] * ((g * ws[ch]) * q.scale()) + shift;
            y[i] = relu ? Math.max(v, 0f) : v;
        }
        return y;
    }

    @Test
    void argmaxAndSoftmax() {
        float[] logits = {1f, 3f, 3f, -1f, 0f, 0f, 0f, 0f};
        assertArrayEquals(new int[] {1, 0}, Network.argmax(logits, 4));
        float[] p = Network.softmax(logits, 4);
        double sum = 0;
        for (int i = 0; i < 4; i++) {
            sum += p[i];
        }
        assertEquals(1.0, sum, 1e-6);
        assertEquals(p[1], p[2]);
        assertEquals(0.25f, p[5], 1e-7f);
        float[] big = Network.softmax(new float[] {1000f, 0f}, 2);
        assertEquals(1f, big[0], 0f);
    }

    /**
     * Non-finite logits: argmax never picks a NaN unless the whole row is NaN (as documented);
     * softmax takes -inf (a masked class, probability 0) but refuses NaN, +inf and a row of -inf
     * only, naming the value, instead of returning NaN probabilities; a Classification checks its
     * documented ranges.
     */
    @Test
    void nonFiniteLogitsAndClassificationRanges() {
        float nan = Float.NaN;
        float inf = Float.POSITIVE_INFINITY;
        assertArrayEquals(new int[] {1, 2, 0, 0}, Network.argmax(new float[] {nan, -inf, nan, nan, nan, 2f,
                -inf, -inf, nan, nan, nan, nan}, 3));
        assertArrayEquals(new float[] {0f, 1f}, Network.softmax(new float[] {-inf, 3f}, 2));
        for (float[] bad : new float[][] {{0f, nan}, {inf, 0f}, {-inf, -inf}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Network.softmax(bad, 2),
                    java.util.Arrays.toString(bad));
            assertTrue(e.getMessage().contains("logits["), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new Classification(-1, "a", 0.5f));
        assertThrows(IllegalArgumentException.class, () -> new Classification(0, "a", nan));
        assertThrows(IllegalArgumentException.class, () -> new Classification(0, "a", 1.5f));
        assertThrows(IllegalArgumentException.class, () -> new Classification(0, "a", -0.1f));
        assertEquals(1f, new Classification(0, "a", 1f).probability());
    }
}
