package io.github.trit4j;

import io.github.trit4j.conv.Conv2d;
import io.github.trit4j.conv.Conv2dSpec;
import io.github.trit4j.conv.ConvInput;
import io.github.trit4j.quant.ActivationQuantizer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * A convolution whose fused epilogue writes the next convolution's input ({@link ConvInput}, the codes
 * quantized from its output tiles in the product) gives the next convolution exactly what quantizing its
 * float output gives: the next convolution's floats, bit for bit, equal those it computes from the float
 * tensor; and the producing convolution's own floats are unchanged. Random channels (below, at and past
 * 64), sizes, kernels 1 and 3, strides 1 and 2, paddings, batch 1 and 2, threads 1 and 2, tiny and large
 * macro-kernel blocks, both activation precisions, with and without a residual and a ReLU, with and without
 * the float output (the tiles then only in a buffer of the product's), on every shape.
 */
class ChainedConvPropertiesTest {

    @TestFactory
    List<DynamicTest> codesWrittenByTheEpilogueEqualQuantizingItsOutput() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Isa isa : TestShapes.shapes()) {
            tests.add(DynamicTest.dynamicTest(isa.toString(), () -> qt()
                    .withExamples(Math.max(20, TestShapes.examples(isa) / 6))
                    .forAll(longs().all())
                    .checkAssert(seed -> check(isa, new SplittableRandom(seed), seed))));
        }
        return tests;
    }

    /** ResNet-18's pairs of convolutions (channels cut down): a basic block's two, and a stage's entry. */
    @Test
    void networkShapes() {
        long seed = 11;
        for (Isa isa : TestShapes.shapes()) {
            for (int threads = 1; threads <= 2; threads++) {
                for (int[] s : new int[][] {{64, 64, 1, 24}, {64, 128, 2, 23}, {128, 128, 1, 12}, {70, 130, 1, 9}}) {
                    GemmEngine engine = GemmEngine.of(isa).withThreads(threads).withParallelThreshold(0);
                    Conv2dSpec a = Conv2dSpec.of(s[0], s[1], 3, 3).stride(s[2]).padding(1);
                    Conv2dSpec b = Conv2dSpec.of(s[1], s[1], 3, 3).padding(1);
                    run(engine, new SplittableRandom(seed++), a, b, 1, s[3], s[3], true, true, "network shape");
                }
            }
        }
    }

    @Test
    void badNextIsRefused() {
        GemmEngine engine = GemmEngine.of(Isa.SCALAR);
        SplittableRandom rnd = new SplittableRandom(3);
        Conv2d a = conv(engine, rnd, Conv2dSpec.of(4, 8, 3, 3).padding(1));
        Conv2d b = conv(engine, rnd, Conv2dSpec.of(8, 8, 3, 3).padding(1));
        ActivationQuantizer q = ActivationQuantizer.fatnn(0.5f, 1.25f, 1f);
        FloatEpilogue f = FusedEpiloguePropertiesTest.randomEpilogue(rnd, 8, true);
        float[] x = new float[4 * 6 * 6];
        float[] y = new float[8 * 6 * 6];
        assertThrows(IllegalArgumentException.class,
                () -> a.forward(x, q, 1, 6, 6, f, null, y, q, b.newInput(1, 5, 6)));
        assertThrows(IllegalArgumentException.class,
                () -> a.forward(x, q, 1, 6, 6, f, null, y, ActivationQuantizer.fatnn(0.5f, 1.5f, 1f, 2f),
                        b.newInput(1, 6, 6)));
        assertThrows(IllegalArgumentException.class, () -> b.forward(a.newInput(1, 6, 6), f, null, y, null, null));
        assertThrows(IllegalArgumentException.class, () -> a.pack(new float[3], q, a.newInput(1, 6, 6)));
    }

    private static void check(Isa isa, SplittableRandom rnd, long seed) {
        int threads = 1 + rnd.nextInt(2);
        GemmEngine engine = GemmEngine.of(isa).withThreads(threads).withParallelThreshold(0)
                .withPanelBlockBytes(rnd.nextBoolean() ? 1 : 1 << 20);
        int cin = 1 + rnd.nextInt(rnd.nextBoolean() ? 8 : 140);
        int cmid = 1 + rnd.nextInt(rnd.nextBoolean() ? 8 : 140);
        int k = rnd.nextBoolean() ? 3 : 1;
        Conv2dSpec a = Conv2dSpec.of(cin, cmid, k, k).stride(1 + rnd.nextInt(2)).padding(k == 3 ? rnd.nextInt(2) : 0);
        int h = k + rnd.nextInt(rnd.nextBoolean() ? 6 : 24);
        int w = k + rnd.nextInt(rnd.nextBoolean() ? 6 : 24);
        int kb = rnd.nextBoolean() ? 3 : 1;
        Conv2dSpec b = Conv2dSpec.of(cmid, 1 + rnd.nextInt(70), kb, kb).stride(1 + rnd.nextInt(2))
                .padding(kb == 3 ? 1 : 0);
        run(engine, rnd, a, b, 1 + (rnd.nextInt(4) == 0 ? 1 : 0), h, w, rnd.nextBoolean(), rnd.nextBoolean(),
                "seed " + seed + " on " + threads + " threads");
    }

    private static void run(GemmEngine engine, SplittableRandom rnd, Conv2dSpec sa, Conv2dSpec sb, int batch, int h,
                            int w, boolean twoBitNext, boolean residual, String what) {
        Conv2d a = conv(engine, rnd, sa);
        Conv2d b = conv(engine, rnd, sb);
        ActivationQuantizer qa = ActivationQuantizer.fatnn(0.5f, 1.25f, 1f);
        ActivationQuantizer qb = twoBitNext ? ActivationQuantizer.fatnn(0.25f, 0.5f, 1f, 1.5f)
                : ActivationQuantizer.fatnn(0.5f, 0.75f, 1f);
        if (twoBitNext) {
            b = new Conv2d(sb, Precision.TERNARY, weights(rnd, sb), Precision.TWO_BIT, engine, Algorithm.FATNN);
        }
        int oh = sa.outputHeight(h);
        int ow = sa.outputWidth(w);
        float[] x = new float[batch * sa.inChannels() * h * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextDouble() * 4 - 0.5);
        }
        FloatEpilogue fa = FusedEpiloguePropertiesTest.randomEpilogue(rnd, sa.outChannels(), rnd.nextBoolean());
        int len = a.outputLength(batch, h, w);
        float[] res = residual ? FusedEpiloguePropertiesTest.randomFloats(rnd, len) : null;
        // unfused: floats out, then the next convolution quantizes them
        float[] expectedY = new float[len];
        a.forward(x, qa, batch, h, w, fa, res, expectedY);
        FloatEpilogue fb = FusedEpiloguePropertiesTest.randomEpilogue(rnd, sb.outChannels(), true);
        float[] expectedZ = new float[b.outputLength(batch, oh, ow)];
        b.forward(expectedY, qb, batch, oh, ow, fb, null, expectedZ);
        // fused: the epilogue of a writes b's input
        ConvInput next = b.newInput(batch, oh, ow);
        float[] y = new float[len];
        Arrays.fill(y, Float.NaN);
        a.forward(x, qa, batch, h, w, fa, res, y, qb, next);
        FusedEpiloguePropertiesTest.assertBitsEqual(expectedY, y, "a's output, " + what);
        float[] z = new float[expectedZ.length];
        b.forward(next, fb, null, z, null, null);
        FusedEpiloguePropertiesTest.assertBitsEqual(expectedZ, z, "b from a's codes, " + what);
        // a from its own packed input, writing b's again (into the same holder)
        ConvInput in = a.newInput(batch, h, w);
        a.pack(x, qa, in);
        float[] y2 = new float[len];
        a.forward(in, fa, res, y2, qb, next);
        FusedEpiloguePropertiesTest.assertBitsEqual(expectedY, y2, "a from packed codes, " + what);
        Arrays.fill(z, Float.NaN);
        b.forward(next, fb, null, z, null, null);
        FusedEpiloguePropertiesTest.assertBitsEqual(expectedZ, z, "b from a's codes (second), " + what);
        // no float output at all: the epilogue's tiles only in cache, quantized into a fresh holder
        ConvInput only = b.newInput(batch, oh, ow);
        if (residual && rnd.nextBoolean()) {
            a.forward(x, qa, batch, h, w, fa, res, null, qb, only);
        } else {
            a.forward(in, fa, res, null, qb, only);
        }
        Arrays.fill(z, Float.NaN);
        b.forward(only, fb, null, z, null, null);
        FusedEpiloguePropertiesTest.assertBitsEqual(expectedZ, z, "b from a's codes, a writing no floats, " + what);
    }

    private static Conv2d conv(GemmEngine engine, SplittableRandom rnd, Conv2dSpec s) {
        return new Conv2d(s, Precision.TERNARY, weights(rnd, s), Precision.TERNARY_UNSIGNED, engine, Algorithm.FATNN);
    }

    private static byte[] weights(SplittableRandom rnd, Conv2dSpec s) {
        byte[] wt = new byte[s.weightLength()];
        for (int i = 0; i < wt.length; i++) {
            wt[i] = (byte) (rnd.nextInt(3) - 1);
        }
        return wt;
    }
}
