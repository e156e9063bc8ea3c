package io.github.trit4j;

import io.github.trit4j.conv.Conv2d;
import io.github.trit4j.conv.Conv2dSpec;
import io.github.trit4j.conv.Layout;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.quicktheories.QuickTheory.qt;

/**
 * Conv2d (im2col onto packed bit-planes, then packed GEMM) equals the direct convolution
 * with zero padding, exactly, for every kernel shape and supported pair, in both layouts,
 * over random batch, channels, groups (incl. depthwise), sizes, kernels 1..7, strides 1..3,
 * paddings 0..3 and dilations 1..2.
 */
class ConvPropertiesTest {

    /** Conv cases per (shape, pair): a tenth of the GEMM suite's examples, fewer on emulated shapes. */
    static int examples(Isa isa) {
        return Math.max(8, TestShapes.examples(isa) / 10);
    }

    @TestFactory
    List<DynamicTest> everyShapeAndPairEqualsTheDirectConvolution() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Isa isa : TestShapes.shapes()) {
            for (Precision[] pair : GemmPropertiesTest.PAIRS) {
                tests.add(DynamicTest.dynamicTest(isa + ": " + pair[0] + " x " + pair[1],
                        () -> checkShape(isa, pair[0], pair[1])));
            }
        }
        return tests;
    }

    private static void checkShape(Isa isa, Precision pw, Precision px) {
        GemmEngine engine = GemmEngine.of(isa);
        qt().withExamples(examples(isa))
                .withShrinkCycles(100)
                .forAll(ConvCase.cases(pw, px))
                .checkAssert(c -> assertConvEqualsOracle(engine, c));
    }

    static void assertConvEqualsOracle(GemmEngine engine, ConvCase c) {
        Conv2dSpec s = c.spec();
        byte[] in = c.inputNchw();
        byte[] wv = c.weights();
        int[] expected = NaiveConv.toInts(NaiveConv.convolve(s, NaiveConv.widen(in), NaiveConv.widen(wv),
                c.batch(), c.height(), c.width()));
        Conv2d conv = new Conv2d(s, c.weightPrecision(), wv, c.activationPrecision(), engine, c.algorithm());
        int oh = s.outputHeight(c.height());
        int ow = s.outputWidth(c.width());
        if (c.layout() == Layout.NCHW) {
            assertArrayEquals(expected, conv.forward(in, c.batch(), c.height(), c.width(), Layout.NCHW),
                    () -> engine.isa() + " differs from the direct convolution for " + c);
        } else {
            byte[] nhwc = NaiveConv.toNhwc(in, c.batch(), s.inChannels(), c.height(), c.width());
            int[] expectedNhwc = NaiveConv.toNhwc(expected, c.batch(), s.outChannels(), oh, ow);
            assertArrayEquals(expectedNhwc, conv.forward(nhwc, c.batch(), c.height(), c.width(), Layout.NHWC),
                    () -> engine.isa() + " (NHWC) differs from the direct convolution for " + c);
        }
    }

    /**
     * Padding alone: an input of the largest (or smallest) code everywhere, a kernel far larger
     * than the image, so that most taps are padding; the border outputs see only a few real
     * pixels. Catches a pad written as anything but the code of 0.
     */
    @Test
    void paddedTapsContributeZeroInEveryPair() {
        for (Isa isa : TestShapes.shapes()) {
            GemmEngine engine = GemmEngine.of(isa);
            for (Precision[] pair : GemmPropertiesTest.PAIRS) {
                for (ValuePattern xp : new ValuePattern[] {ValuePattern.ALL_MAX, ValuePattern.ALL_MIN}) {
                    for (ValuePattern wp : new ValuePattern[] {ValuePattern.ALL_MAX, ValuePattern.ALL_MIN,
                            ValuePattern.RANDOM}) {
                        for (Layout layout : Layout.values()) {
                            Conv2dSpec s = Conv2dSpec.of(3, 2, 7, 5).padding(3, 2);
                            assertConvEqualsOracle(engine, new ConvCase(pair[0], pair[1], s, 2, 2, 3, layout, wp, xp,
                                    Algorithm.FATNN, 11));
                            assertConvEqualsOracle(engine, new ConvCase(pair[0], pair[1], s, 1, 2, 3, layout, wp, xp,
                                    Algorithm.CONVENTIONAL, 12));
                        }
                    }
                }
            }
        }
    }

    /** The ResNet-style shapes once each (a 3x3 pad 1 layer, a stride-2 downsample, a 1x1, a depthwise). */
    @Test
    void networkShapes() {
        Conv2dSpec[] specs = {
                Conv2dSpec.of(64, 16, 3, 3).padding(1),
                Conv2dSpec.of(70, 8, 3, 3).stride(2).padding(1),
                Conv2dSpec.of(130, 9, 1, 1),
                Conv2dSpec.of(32, 32, 3, 3).padding(1).groups(32),
        };
        for (Isa isa : TestShapes.shapes()) {
            GemmEngine engine = GemmEngine.of(isa);
            for (Conv2dSpec s : specs) {
                for (Layout layout : Layout.values()) {
                    assertConvEqualsOracle(engine, new ConvCase(Precision.TERNARY, Precision.TERNARY_UNSIGNED, s, 1,
                            9, 10, layout, ValuePattern.RANDOM, ValuePattern.RANDOM, Algorithm.FATNN, 5));
                }
            }
        }
    }

    /**
     * The 1x1 stride-1 fast path (packed pixels are the patch rows, no im2col): channel counts
     * around word and 512-bit granule edges, pixel counts around the packer's 8-byte steps and
     * 512-pixel tiles, batches, both layouts, every shape and pair. Also a strided and a grouped
     * 1x1, which take the im2col path.
     */
    @Test
    void pointwiseFastPathEqualsTheDirectConvolution() {
        int[] channels = {1, 7, 63, 64, 65, 130, 511, 513};
        int[][] sizes = {{1, 1}, {3, 5}, {8, 8}, {23, 25}, {1, 70}};
        long seed = 100;
        for (Isa isa : TestShapes.shapes()) {
            GemmEngine engine = GemmEngine.of(isa);
            for (Precision[] pair : GemmPropertiesTest.PAIRS) {
                for (int c : channels) {
                    for (int[] hw : sizes) {
                        for (Layout layout : Layout.values()) {
                            int batch = 1 + (int) (seed % 2);
                            assertConvEqualsOracle(engine, new ConvCase(pair[0], pair[1], Conv2dSpec.of(c, 3, 1, 1),
                                    batch, hw[0], hw[1], layout, ValuePattern.RANDOM, ValuePattern.RANDOM,
                                    Algorithm.FATNN, seed++));
                        }
                    }
                }
                assertConvEqualsOracle(engine, new ConvCase(pair[0], pair[1], Conv2dSpec.of(66, 4, 1, 1).stride(2),
                        1, 9, 8, Layout.NCHW, ValuePattern.RANDOM, ValuePattern.RANDOM, Algorithm.FATNN, seed++));
                assertConvEqualsOracle(engine, new ConvCase(pair[0], pair[1], Conv2dSpec.of(66, 4, 1, 1).groups(2),
                        2, 9, 8, Layout.NHWC, ValuePattern.RANDOM, ValuePattern.RANDOM, Algorithm.FATNN, seed++));
            }
        }
    }

    /**
     * im2col copies whole words when a group's channels fill whole words and shifted word pairs
     * otherwise: every channel count 1..130 (tap offsets t * cg at every bit position mod 64),
     * with 1 and 2 groups (source offsets g * cg), padded 3x3 taps, both layouts.
     */
    @Test
    void im2colAtEveryBitOffset() {
        GemmEngine engine = Gemm.engine();
        for (Precision[] pair : new Precision[][] {{Precision.TERNARY, Precision.TERNARY_UNSIGNED},
                {Precision.BINARY, Precision.BINARY}}) {
            for (int cg = 1; cg <= 130; cg++) {
                for (int groups = 1; groups <= 2; groups++) {
                    Conv2dSpec s = Conv2dSpec.of(cg * groups, 2 * groups, 3, 3).padding(1).groups(groups);
                    Layout layout = Layout.values()[(cg + groups) % 2];
                    assertConvEqualsOracle(engine, new ConvCase(pair[0], pair[1], s, 1, 4, 5, layout,
                            ValuePattern.RANDOM, ValuePattern.RANDOM, Algorithm.FATNN, cg * 7L + groups));
                }
            }
        }
    }

    /**
     * Per-thread buffers are reused between calls: one layer called with alternating sizes and
     * values, and from several threads at once, always equals the direct convolution.
     */
    @Test
    void reusedBuffersAndConcurrentCallsStayExact() throws Exception {
        Conv2dSpec s = Conv2dSpec.of(70, 5, 3, 3).padding(1);
        GemmEngine engine = Gemm.engine();
        byte[] wv = ValuePattern.RANDOM.values(Precision.TERNARY, s.outChannels(), s.patchLength(), 3);
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
                        byte[] in = ValuePattern.RANDOM.values(Precision.TERNARY_UNSIGNED, s.inChannels(),
                                hw[0] * hw[1], round * 31L + thread);
                        int[] expected = NaiveConv.toInts(NaiveConv.convolve(s, NaiveConv.widen(in),
                                NaiveConv.widen(wv), 1, hw[0], hw[1]));
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
