package io.github.trit4j;

import io.github.trit4j.conv.Conv2dSpec;
import io.github.trit4j.conv.Layout;
import io.github.trit4j.layers.PackedWeights;
import io.github.trit4j.layers.TernaryBlas;
import io.github.trit4j.layers.TernaryConv2d;
import io.github.trit4j.layers.TernaryLinear;
import io.github.trit4j.quant.ActivationQuantizer;
import io.github.trit4j.quant.WeightQuantizer;
import io.github.trit4j.testkit.CodeSet;
import io.github.trit4j.testkit.ConvCase;
import io.github.trit4j.testkit.Generators;
import io.github.trit4j.testkit.NaiveConv;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * The float layers against a plain-float reference: the same quantization written literally
 * ({@link ReferenceQuantizers}), a direct convolution / matmul on the codes in long, then the
 * rescale in double. Integer parts equal exactly; float outputs lie within the documented bound
 * {@code 2^-22 * (|sw*sx*acc| + |bias|) + 2^-147}.
 */
class LayerPropertiesTest {

    static final float A0 = 1.7f;
    static final float A1 = 2.3f;
    static final float[] ACT_ALPHAS_2 = {1.25f, 0.8f};
    static final float[] ACT_ALPHAS_3 = {1.25f, 0.8f, 2f};

    static int examples(Isa isa) {
        return Math.max(5, TestShapes.examples(isa) / 40);
    }

    /** Floats for inputs: mostly in [-0.5, 3), some exact zeros and tie points. */
    static float[] activations(int n, SplittableRandom rnd) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = switch (rnd.nextInt(8)) {
                case 0 -> 0f;
                case 1 -> 0.5f / ACT_ALPHAS_2[0];
                default -> (float) (rnd.nextDouble() * 3.5 - 0.5);
            };
        }
        return x;
    }

    static float[] gaussians(int n, SplittableRandom rnd) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) rnd.nextGaussian();
        }
        return w;
    }

    static float[] scales(int n, SplittableRandom rnd) {
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
            s[i] = (float) (0.01 + rnd.nextDouble());
        }
        return s;
    }

    static void assertWithinBound(double exact, double scaledAcc, float bias, float got, boolean relu, String what) {
        double expected = relu ? Math.max(exact, 0) : exact;
        double bound = Math.scalb(Math.abs(scaledAcc) + Math.abs(bias), -22) + Math.scalb(1.0, -147);
        assertTrue(Math.abs(got - expected) <= bound,
                () -> what + ": got " + got + ", exact " + expected + ", bound " + bound);
    }

    @TestFactory
    List<DynamicTest> ternaryConv2dEqualsTheFloatReference() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Isa isa : TestShapes.shapes()) {
            for (Precision px : new Precision[] {Precision.TERNARY_UNSIGNED, Precision.TWO_BIT}) {
                tests.add(DynamicTest.dynamicTest(isa + ": TERNARY x " + px, () -> qt()
                        .withExamples(examples(isa))
                        .forAll(Generators.convCases(CodeSet.TERNARY, KitAdapters.codes(px)))
                        .checkAssert(c -> checkConv(GemmEngine.of(isa), c))));
            }
        }
        return tests;
    }

    private static void checkConv(GemmEngine engine, ConvCase c) {
        SplittableRandom rnd = new SplittableRandom(c.seed());
        Conv2dSpec s = KitAdapters.spec(c.spec());
        Layout layout = KitAdapters.layout(c.layout());
        float[] ax = c.inputCodes() == CodeSet.TWO_BIT ? ACT_ALPHAS_3 : ACT_ALPHAS_2;
        float sx = (float) (0.05 + rnd.nextDouble());
        float[] sw = scales(s.outChannels(), rnd);
        float[] w = gaussians(s.weightLength(), rnd);
        float[] bias = rnd.nextBoolean() ? null : gaussians(s.outChannels(), rnd);
        boolean relu = rnd.nextBoolean();
        float[] in = activations(c.batch() * s.inChannels() * c.height() * c.width(), rnd);

        byte[] wc = new byte[w.length];
        for (int i = 0; i < w.length; i++) {
            wc[i] = (byte) ReferenceQuantizers.fatnnWeight(w[i], A0, A1);
        }
        byte[] xc = new byte[in.length];
        for (int i = 0; i < in.length; i++) {
            xc[i] = (byte) ReferenceQuantizers.fatnnActivation(in[i], ax);
        }
        int[] acc = NaiveConv.convolve(c.spec(), xc, wc, c.batch(), c.height(), c.width());
        TernaryConv2d layer = new TernaryConv2d(s, w, WeightQuantizer.fatnn(A0, A1, false, sw),
                ActivationQuantizer.fatnn(sx, ax), bias, relu, engine);
        int oh = s.outputHeight(c.height());
        int ow = s.outputWidth(c.width());
        float[] input = in;
        int[] expectedAcc = acc;
        if (layout == Layout.NHWC) {
            input = NaiveConv.toNhwc(in, c.batch(), s.inChannels(), c.height(), c.width());
            expectedAcc = NaiveConv.toNhwc(acc, c.batch(), s.outChannels(), oh, ow);
        }
        assertArrayEquals(expectedAcc, layer.accumulate(input, c.batch(), c.height(), c.width(), layout),
                () -> "integer part differs for " + c);
        float[] out = layer.forward(input, c.batch(), c.height(), c.width(), layout);
        int pixels = oh * ow;
        float[] rescaled = new float[out.length];
        for (int i = 0; i < out.length; i++) {
            int o = layout == Layout.NCHW ? (i / pixels) % s.outChannels() : i % s.outChannels();
            float b = bias == null ? 0f : bias[o];
            double scaled = (double) sw[o] * sx * expectedAcc[i];
            assertWithinBound(scaled + b, scaled, b, out[i], relu, c + " output " + i);
            rescaled[i] = rescale(expectedAcc[i], layer.quantizedWeights().scale(o) * sx, b, relu);
        }
        // bit for bit the product followed by the float32 rescale (the fused NCHW path included)
        assertArrayEquals(rescaled, out, c.toString());
        // the same layer over its packed conv and epilogue (the face trit4j-nn builds on)
        TernaryConv2d fromCodes = TernaryConv2d.of(layer.conv(), layer.activationQuantizer(), layer.epilogue());
        assertArrayEquals(out, fromCodes.forward(input, c.batch(), c.height(), c.width(), layout), c.toString());
        if (layout == Layout.NCHW) {
            float[] residual = gaussians(out.length, rnd);
            float[] withResidual = new float[out.length];
            float[] expected = new float[out.length];
            for (int i = 0; i < out.length; i++) {
                int o = (i / pixels) % s.outChannels();
                float v = rescale(expectedAcc[i], layer.quantizedWeights().scale(o) * sx,
                        bias == null ? 0f : bias[o], false) + residual[i];
                expected[i] = relu ? Math.max(v, 0f) : v;
            }
            layer.forward(input, c.batch(), c.height(), c.width(), residual, withResidual);
            assertArrayEquals(expected, withResidual, c + " with a residual");
        }
    }

    /** The layers' float32 rescale as it was written before the fused path: {@code relu?((float) acc * c + b)}. */
    private static float rescale(int acc, float c, float b, boolean relu) {
        float y = (float) acc * c + b;
        return relu ? Math.max(y, 0f) : y;
    }

    @TestFactory
    List<DynamicTest> ternaryLinearAndSgemmEqualTheFloatReference() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Isa isa : TestShapes.shapes()) {
            tests.add(DynamicTest.dynamicTest(isa + ": TernaryLinear", () -> qt()
                    .withExamples(examples(isa) * 2)
                    .forAll(Generators.dims(20), Generators.dims(40), Generators.ks(1100), longs().all())
                    .checkAssert((batch, outF, inF, seed) -> checkLinear(GemmEngine.of(isa), batch, outF, inF, seed))));
            tests.add(DynamicTest.dynamicTest(isa + ": TernaryBlas.sgemm", () -> qt()
                    .withExamples(examples(isa) * 2)
                    .forAll(Generators.dims(20), Generators.dims(40), Generators.ks(1100), longs().all())
                    .checkAssert((m, n, k, seed) -> checkSgemm(GemmEngine.of(isa), m, n, k, seed))));
        }
        return tests;
    }

    private static void checkLinear(GemmEngine engine, int batch, int outF, int inF, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float sx = (float) (0.05 + rnd.nextDouble());
        float[] sw = scales(outF, rnd);
        float[] w = gaussians(outF * inF, rnd);
        float[] bias = rnd.nextBoolean() ? null : gaussians(outF, rnd);
        boolean relu = rnd.nextBoolean();
        float[] x = activations(batch * inF, rnd);
        TernaryLinear layer = new TernaryLinear(w, outF, inF, WeightQuantizer.fatnn(A0, A1, false, sw),
                ActivationQuantizer.fatnn(sx, ACT_ALPHAS_2), bias, relu, engine);
        int[] acc = layer.accumulate(x, batch);
        float[] out = layer.forward(x, batch);
        String what = "batch=" + batch + " out=" + outF + " in=" + inF + " seed=" + seed;
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < outF; o++) {
                long dot = 0;
                for (int i = 0; i < inF; i++) {
                    dot += (long) ReferenceQuantizers.fatnnWeight(w[o * inF + i], A0, A1)
                            * ReferenceQuantizers.fatnnActivation(x[b * inF + i], ACT_ALPHAS_2);
                }
                assertEquals(dot, acc[b * outF + o], what);
                float bb = bias == null ? 0f : bias[o];
                double scaled = (double) sw[o] * sx * dot;
                assertWithinBound(scaled + bb, scaled, bb, out[b * outF + o], relu, what);
                assertEquals(Float.floatToRawIntBits(rescale((int) dot, layer.quantizedWeights().scale(o) * sx, bb, relu)),
                        Float.floatToRawIntBits(out[b * outF + o]), what + ": not the float32 rescale bit for bit");
            }
        }
    }

    private static void checkSgemm(GemmEngine engine, int m, int n, int k, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int lda = k + rnd.nextInt(3);
        int ldb = n + rnd.nextInt(3);
        int ldc = n + rnd.nextInt(3);
        int aOff = rnd.nextInt(3);
        int cOff = rnd.nextInt(3);
        float alpha = (float) (rnd.nextDouble() * 2 - 1);
        float beta = rnd.nextInt(3) == 0 ? 0f : (float) (rnd.nextDouble() * 2 - 1);
        float sx = (float) (0.05 + rnd.nextDouble());
        float[] sw = scales(n, rnd);
        float[] a = activations(aOff + (m - 1) * lda + k, rnd);
        float[] b = gaussians((k - 1) * ldb + n, rnd);
        float[] c = gaussians(cOff + (m - 1) * ldc + n + 2, rnd);
        if (beta == 0) {
            Arrays.fill(c, Float.NaN); // beta == 0: C is not read
        }
        float[] before = c.clone();
        PackedWeights pb = PackedWeights.pack(b, 0, k, n, ldb, WeightQuantizer.fatnn(A0, A1, false, sw),
                ActivationQuantizer.fatnn(sx, ACT_ALPHAS_2), engine);
        TernaryBlas.sgemm(m, n, k, alpha, a, aOff, lda, pb, beta, c, cOff, ldc);
        String what = "m=" + m + " n=" + n + " k=" + k + " seed=" + seed;
        // B is k x n; its quantized weights hold B transposed, one row per output channel
        assertEquals(List.of(k, n, n, k), List.of(pb.rows(), pb.cols(), pb.quantizedWeights().rows(),
                pb.quantizedWeights().cols()), what);
        boolean[] written = new boolean[c.length];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                long dot = 0;
                for (int kk = 0; kk < k; kk++) {
                    dot += (long) ReferenceQuantizers.fatnnWeight(b[kk * ldb + j], A0, A1)
                            * ReferenceQuantizers.fatnnActivation(a[aOff + i * lda + kk], ACT_ALPHAS_2);
                }
                int idx = cOff + i * ldc + j;
                written[idx] = true;
                double scaled = (double) alpha * sw[j] * sx * dot;
                double old = beta == 0 ? 0 : (double) beta * before[idx];
                double exact = scaled + old;
                double bound = Math.scalb(Math.abs(scaled) + Math.abs(old), -21) + Math.scalb(1.0, -140);
                float got = c[idx];
                assertTrue(Math.abs(got - exact) <= bound, () -> what + ": got " + got + ", exact " + exact);
            }
        }
        for (int idx = 0; idx < c.length; idx++) {
            if (!written[idx]) {
                assertEquals(Float.floatToRawIntBits(before[idx]), Float.floatToRawIntBits(c[idx]),
                        what + ": C[" + idx + "] outside the M x N block was written");
            }
        }
    }

    @Test
    void aLayerFromPackedCodesChecksItsPartsAndKeepsNoQuantizedWeights() {
        Conv2dSpec spec = Conv2dSpec.of(3, 4, 3, 3);
        ActivationQuantizer q = ActivationQuantizer.fatnn(0.3f, ACT_ALPHAS_2);
        TernaryConv2d layer = new TernaryConv2d(spec, gaussians(spec.weightLength(), new SplittableRandom(5)),
                WeightQuantizer.twn(), q, null, true, GemmEngine.of(Isa.SCALAR));
        TernaryConv2d fromCodes = TernaryConv2d.of(layer.conv(), q, layer.epilogue());
        IllegalStateException none = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                fromCodes::quantizedWeights);
        assertTrue(none.getMessage().contains("packed codes"), none.getMessage());
        IllegalArgumentException precision = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> TernaryConv2d.of(layer.conv(),
                        ActivationQuantizer.fatnn(0.3f, ACT_ALPHAS_3), layer.epilogue()));
        assertTrue(precision.getMessage().contains("TWO_BIT"), precision.getMessage());
        IllegalArgumentException rows = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TernaryConv2d.of(layer.conv(), q, FloatEpilogue.of(new float[3], new float[3], false)));
        assertTrue(rows.getMessage().contains("3 rows"), rows.getMessage());
    }

    /** Zero padding in float space equals zero padding in code space: every quantizer maps 0.0f to code 0. */
    @Test
    void paddedFloatConvEqualsExplicitlyPaddedInput() {
        SplittableRandom rnd = new SplittableRandom(3);
        Conv2dSpec padded = Conv2dSpec.of(5, 4, 3, 3).padding(2);
        Conv2dSpec unpadded = Conv2dSpec.of(5, 4, 3, 3);
        float[] w = gaussians(padded.weightLength(), rnd);
        int h = 4;
        int wd = 6;
        float[] x = activations(5 * h * wd, rnd);
        float[] big = new float[5 * (h + 4) * (wd + 4)];
        for (int c = 0; c < 5; c++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(x, (c * h + y) * wd, big, (c * (h + 4) + y + 2) * (wd + 4) + 2, wd);
            }
        }
        for (ActivationQuantizer q : List.of(ActivationQuantizer.fatnn(0.3f, ACT_ALPHAS_2),
                ActivationQuantizer.fatnnThresholds(0.3f, 0f, 0.5f, 1f),
                ActivationQuantizer.uniform(Precision.TWO_BIT, 2f))) {
            WeightQuantizer wq = WeightQuantizer.twn();
            TernaryConv2d a = new TernaryConv2d(padded, w, wq, q, null, false, GemmEngine.of(Isa.SCALAR));
            TernaryConv2d b = new TernaryConv2d(unpadded, w, wq, q, null, false, GemmEngine.of(Isa.SCALAR));
            assertArrayEquals(b.forward(big, 1, h + 4, wd + 4, Layout.NCHW), a.forward(x, 1, h, wd, Layout.NCHW),
                    q.toString());
        }
    }
}
