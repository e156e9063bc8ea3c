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
}
