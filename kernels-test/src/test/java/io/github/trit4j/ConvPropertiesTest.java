package io.github.trit4j;

import io.github.trit4j.KitAdapters.EngineConv;
import io.github.trit4j.conv.Conv2d;
import io.github.trit4j.conv.Conv2dSpec;
import io.github.trit4j.conv.Layout;
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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

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
