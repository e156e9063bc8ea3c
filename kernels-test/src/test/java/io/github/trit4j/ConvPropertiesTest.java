package io.github.trit4j;

import io.github.trit4j.KitAdapters.EngineConv;
import io.github.trit4j.conv.Conv2d;
import io.github.trit4j.conv.Conv2dSpec;
import io.github.trit4j.conv.Layout;
import io.github.trit4j.quant.ActivationQuantizer;
import io.github.trit4j.testkit.CodeSet;
import io.github.trit4j.testkit.KitSettings;
import io.github.trit4j.testkit.NaiveConv;
import io.github.trit4j.testkit.TernaryConvProperties;
import io.github.trit4j.testkit.ValuePattern;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * Conv2d (im2col onto packed bit-planes, then packed GEMM) equals the direct convolution with
 * zero padding, exactly, through trit4j-testkit: for every kernel shape and supported pair, every
 * property of {@link TernaryConvProperties} (random batch, channels, groups incl. depthwise,
 * sizes, kernels 1..7, strides 1..3, paddings 0..3, dilations 1..2 in both layouts; padding-only
 * taps; the 1x1 fast path; im2col at every bit offset; network shapes), one algorithm or the
 * other on each case ({@link KitAdapters.EngineConv}).
 */
class ConvPropertiesTest {

    @TestFactory
    List<DynamicContainer> everyShapeAndPairHoldsEveryKitProperty() {
        List<DynamicContainer> shapes = new ArrayList<>();
        for (Isa isa : TestShapes.shapes()) {
            KitSettings settings = KitAdapters.settings(isa);
            // im2col at every bit offset on the dispatched shape only, as before the kit (the other shapes see
            // im2col through the random, pointwise and network properties)
            shapes.add(DynamicContainer.dynamicContainer(isa.toString(),
                    TernaryConvProperties.properties(new EngineConv(GemmEngine.of(isa)), settings).stream()
                            .filter(p -> !p.name().equals(TernaryConvProperties.BIT_OFFSETS) || isa == Gemm.engine().isa())
                            .map(p -> DynamicTest.dynamicTest(isa + " " + p, p::check))));
        }
        return shapes;
    }

    /**
     * Channel groups of whole 64-bit words (64 or 128 channels, as in ResNet-18) take im2col's panel
     * path: panels of adjacent pixels copied as runs, panels at the image's edges (some taps of some
     * lanes outside it), panels across output rows and images, strided lanes, and the last, partial
     * panel. On every kernel shape (each its own lane count), both layouts, integer codes and floats
     * quantized on the way, against the direct convolution of the same codes.
     */
    @TestFactory
    List<DynamicTest> wholeWordChannelGroupsEqualTheDirectConvolution() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Isa isa : TestShapes.shapes()) {
            tests.add(DynamicTest.dynamicTest(isa.toString(), () -> qt()
                    .withExamples(Math.max(20, TestShapes.examples(isa) / 6))
                    .forAll(integers().between(0, Integer.MAX_VALUE), longs().all())
                    .checkAssert((shape, seed) -> {
                        SplittableRandom r = new SplittableRandom(shape);
                        int cg = 64 * (1 + r.nextInt(2));
                        int groups = r.nextInt(4) == 0 ? 2 : 1;
                        int kh = 1 + r.nextInt(4);
                        int kw = 1 + r.nextInt(4);
                        int dh = 1 + r.nextInt(2);
                        int dw = 1 + r.nextInt(2);
                        Conv2dSpec s = Conv2dSpec.of(cg * groups, groups * (1 + r.nextInt(9)), kh, kw)
                                .stride(1 + (r.nextInt(3) == 0 ? 1 + r.nextInt(2) : 0), 1 + r.nextInt(2))
                                .padding(r.nextInt(4), r.nextInt(4)).dilation(dh, dw).groups(groups);
                        int h = Math.max(1, dh * (kh - 1) + 1 - 2 * s.padH() + r.nextInt(20));
                        int w = Math.max(1, dw * (kw - 1) + 1 - 2 * s.padW() + r.nextInt(20));
                        int batch = 1 + r.nextInt(3);
                        Layout layout = r.nextBoolean() ? Layout.NCHW : Layout.NHWC;
                        Algorithm algorithm = Algorithm.values()[r.nextInt(2)];
                        byte[] wv = ValuePattern.RANDOM.values(CodeSet.TERNARY, s.outChannels(),
                                s.weightLength() / s.outChannels(), seed);
                        Conv2d conv = new Conv2d(s, Precision.TERNARY, wv, Precision.TERNARY_UNSIGNED,
                                GemmEngine.of(isa), algorithm);
                        float[] x = new float[batch * s.inChannels() * h * w];
                        SplittableRandom v = new SplittableRandom(seed);
                        for (int i = 0; i < x.length; i++) {
                            x[i] = v.nextInt(5) == 0 ? 0f : (float) (v.nextDouble() * 3);
                        }
                        ActivationQuantizer q = ActivationQuantizer.fatnn(0.5f, 1.25f, 1f);
                        byte[] codes = q.codes(x); // NCHW
                        int[] expected = NaiveConv.convolve(KitAdapters.spec(s), codes, wv, batch, h, w);
                        String what = isa + " " + algorithm + " " + s + " batch " + batch + " " + h + "x" + w
                                + " " + layout;
                        if (layout == Layout.NHWC) {
                            int oh = s.outputHeight(h);
                            int ow = s.outputWidth(w);
                            expected = NaiveConv.toNhwc(expected, batch, s.outChannels(), oh, ow);
                            codes = NaiveConv.toNhwc(codes, batch, s.inChannels(), h, w);
                            x = NaiveConv.toNhwc(x, batch, s.inChannels(), h, w);
                        }
                        assertArrayEquals(expected, conv.forward(codes, batch, h, w, layout), "codes, " + what);
                        assertArrayEquals(expected, conv.forward(x, q, batch, h, w, layout), "floats, " + what);
                    })));
        }
        return tests;
    }

    /**
     * Per-thread buffers are reused between calls: one layer called with alternating sizes and
     * values, and from several threads at once, always equals the direct convolution.
     */
    @Test
    void reusedBuffersAndConcurrentCallsStayExact() throws Exception {
        Conv2dSpec s = Conv2dSpec.of(70, 5, 3, 3).padding(1);
        GemmEngine engine = Gemm.engine();
        byte[] wv = ValuePattern.RANDOM.values(CodeSet.TERNARY, s.outChannels(), s.patchLength(), 3);
        Conv2d conv = new Conv2d(s, Precision.TERNARY, wv, Precision.TERNARY_UNSIGNED, engine, Algorithm.FATNN);
        int[][] sizes = {{9, 10}, {5, 5}, {9, 10}, {12, 3}, {5, 5}};
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int round = 0; round < 10; round++) {
                        int[] hw = sizes[(round + thread) % sizes.length];
                        byte[] in = ValuePattern.RANDOM.values(CodeSet.TERNARY_UNSIGNED, s.inChannels(),
                                hw[0] * hw[1], round * 31L + thread);
                        int[] expected = NaiveConv.convolve(KitAdapters.spec(s), in, wv, 1, hw[0], hw[1]);
                        assertArrayEquals(expected, conv.forward(in, 1, hw[0], hw[1], Layout.NCHW),
                                "thread " + thread + " round " + round);
                    }
                }));
            }
            for (java.util.concurrent.Future<?> f : futures) {
                f.get(120, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdown();
        }
    }
}
