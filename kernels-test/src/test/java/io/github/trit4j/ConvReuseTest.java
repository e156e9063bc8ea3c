package io.github.trit4j;

import io.github.trit4j.conv.Conv2d;
import io.github.trit4j.conv.Conv2dSpec;
import io.github.trit4j.conv.Layout;
import io.github.trit4j.testkit.NaiveConv;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.quicktheories.QuickTheory.qt;

/**
 * A convolution keeps its patch matrix, and the engine's view of it, from one call to the next
 * on a thread, and has the view forget what it derived from the previous patches (row
 * constants, 2-bit codes, offset thermometer planes, other layouts). One layer called again and
 * again with new inputs of the same size must give the direct convolution every time: a value
 * memoized from an earlier call would show here, not in a test that makes one call per layer.
 */
class ConvReuseTest {

    private static final int CALLS = 4;

    @TestFactory
    List<DynamicTest> repeatedCallsOnOneLayerEqualTheDirectConvolution() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Isa isa : TestShapes.shapes()) {
            for (Precision[] pair : GemmPropertiesTest.PAIRS) {
                tests.add(DynamicTest.dynamicTest(isa + ": " + pair[0] + " x " + pair[1], () -> {
                    GemmEngine engine = GemmEngine.of(isa).withThreads(1);
                    qt().withExamples(Math.max(10, TestShapes.examples(isa) / 10))
                            .withShrinkCycles(50)
                            .forAll(KitAdapters.convCases(pair))
                            .checkAssert(c -> checkRepeated(engine, KitAdapters.spec(c.spec()),
                                    KitAdapters.precision(c.weightCodes()), c.weights(),
                                    KitAdapters.precision(c.inputCodes()), KitAdapters.algorithm(c), c.batch(), c.height(), c.width(),
                                    c.seed(), c.toString()));
                    // sizes whose patches fill column panels, with and without im2col
                    for (Conv2dSpec spec : new Conv2dSpec[] {
                            Conv2dSpec.of(64, 8, 3, 3).padding(1, 1), Conv2dSpec.of(70, 8, 1, 1)}) {
                        for (Algorithm algorithm : Algorithm.values()) {
                            SplittableRandom r = new SplittableRandom(spec.hashCode() + 31L * algorithm.ordinal());
                            checkRepeated(engine, spec, pair[0], codes(pair[0], spec.weightLength(), r), pair[1],
                                    algorithm, 1, 12, 12, r.nextLong(), spec + " " + algorithm);
                        }
                    }
                }));
            }
        }
        return tests;
    }

    private static void checkRepeated(GemmEngine engine, Conv2dSpec s, Precision pw, byte[] weights, Precision px,
                                      Algorithm algorithm, int batch, int h, int w, long seed, String what) {
        Conv2d conv = new Conv2d(s, pw, weights, px, engine, algorithm);
        int[] out = new int[conv.outputLength(batch, h, w)];
        SplittableRandom r = new SplittableRandom(seed);
        for (int call = 0; call < CALLS; call++) {
            byte[] in = codes(px, batch * s.inChannels() * h * w, r);
            int[] expected = NaiveConv.convolve(KitAdapters.spec(s), in, weights, batch, h, w);
            conv.forward(in, batch, h, w, Layout.NCHW, out);
            int n = call;
            assertArrayEquals(expected, out, () -> engine.isa() + " call " + n + " on one layer differs from the"
                    + " direct convolution for " + what);
        }
    }

    /** Codes drawn uniformly from the precision's set. */
    private static byte[] codes(Precision p, int length, SplittableRandom r) {
        byte[] v = new byte[length];
        int span = p.max() - p.min() + 1;
        for (int i = 0; i < length; i++) {
            int x = p.min() + r.nextInt(span);
            v[i] = (byte) (p == Precision.BINARY && x == 0 ? 1 : x);
        }
        return v;
    }
}
