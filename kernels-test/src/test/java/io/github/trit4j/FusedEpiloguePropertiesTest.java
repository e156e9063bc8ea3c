package io.github.trit4j;

import io.github.trit4j.conv.Conv2d;
import io.github.trit4j.conv.Conv2dSpec;
import io.github.trit4j.conv.Layout;
import io.github.trit4j.quant.ActivationQuantizer;
import io.github.trit4j.testkit.ValuePattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

/**
 * The fused float epilogue ({@link FloatEpilogue} inside {@link GemmEngine} and {@link Conv2d})
 * equals the unfused path bit for bit: the int product (itself checked against the oracle
 * elsewhere), then {@link FloatEpilogue#apply} per output, in the order docs/MODEL_FORMAT.md
 * states. Over every kernel shape, supported pair, algorithm, random sizes, thread counts and
 * macro-kernel block sizes (GEMM), and random convolutions (strides, paddings, kernels, groups,
 * batch), with and without a residual and a ReLU.
 */
class FusedEpiloguePropertiesTest {

    @TestFactory
    List<DynamicTest> fusedProductEqualsIntProductThenEpilogue() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Isa isa : TestShapes.shapes()) {
            for (Precision[] pair : GemmPropertiesTest.PAIRS) {
                tests.add(DynamicTest.dynamicTest(isa + ": " + pair[0] + " x " + pair[1], () ->
                        qt().withExamples(Math.max(10, TestShapes.examples(isa) / 12))
                                .forAll(KitAdapters.gemmCases(pair, GemmPropertiesTest.MAX_DIM,
                                        GemmPropertiesTest.MAX_K), integers().between(1, 3))
                                .checkAssert((c, threads) -> {
                                    // tiny macro-kernel blocks on even thread counts: block and row-group edges
                                    GemmEngine engine = GemmEngine.of(isa).withThreads(threads).withParallelThreshold(0)
                                            .withPanelBlockBytes(threads % 2 == 0 ? 1 : 1 << 20);
                                    PackedMatrix w = PackedMatrix.pack(pair[0], c.weights(), c.m(), c.k());
                                    PackedMatrix x = PackedMatrix.pack(pair[1], c.activations(), c.n(), c.k());
                                    SplittableRandom rnd = new SplittableRandom(c.seed());
                                    for (Algorithm a : Algorithm.values()) {
                                        int[] acc = engine.multiply(w, x, a);
                                        for (int variant = 0; variant < 4; variant++) {
                                            FloatEpilogue f = randomEpilogue(rnd, c.m(), (variant & 1) != 0);
                                            float[] residual = (variant & 2) != 0 ? randomFloats(rnd, acc.length) : null;
                                            float[] expected = unfused(f, acc, c.m(), c.n(), residual);
                                            float[] got = new float[acc.length];
                                            Arrays.fill(got, Float.NaN);
                                            engine.multiply(w, x, a, f, residual, got);
                                            assertBitsEqual(expected, got, isa + " " + a + " " + f + (residual != null
                                                    ? " + residual" : "") + " on " + threads + " threads for " + c);
                                        }
                                    }
                                })));
            }
        }
        return tests;
    }

    /** The pairs a float input can be quantized to (the quantizers give {0,1,2} and {0,1,2,3}). */
    private static final Precision[][] QUANTIZED_PAIRS = {
            {Precision.TERNARY, Precision.TERNARY_UNSIGNED},
            {Precision.TERNARY, Precision.TWO_BIT},
            {Precision.TWO_BIT, Precision.TWO_BIT},
    };

    @TestFactory
    List<DynamicTest> fusedConvolutionEqualsIntConvolutionThenEpilogue() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Isa isa : TestShapes.shapes()) {
            for (Precision[] pair : QUANTIZED_PAIRS) {
                tests.add(DynamicTest.dynamicTest(isa + ": " + pair[0] + " x " + pair[1], () ->
                        qt().withExamples(TestShapes.examples(isa))
                                .withShrinkCycles(100)
                                .forAll(KitAdapters.convCases(pair).map(ConvCase::of))
                                .checkAssert(c -> assertFusedConvEqualsUnfused(GemmEngine.of(isa), c))));
            }
        }
        return tests;
    }

    /** ResNet-18's convolution shapes (channels cut down), batch 1 and 2: the fused in-product path and the fallback. */
    @Test
    void networkShapesFusedEqualUnfused() {
        Conv2dSpec[] specs = {
                Conv2dSpec.of(64, 24, 3, 3).padding(1),
                Conv2dSpec.of(64, 20, 3, 3).stride(2).padding(1),
                Conv2dSpec.of(128, 12, 3, 3).padding(1),
                Conv2dSpec.of(64, 16, 1, 1).stride(2),
        };
        long seed = 7;
        for (Isa isa : TestShapes.shapes()) {
            for (Conv2dSpec s : specs) {
                for (int batch = 1; batch <= 2; batch++) {
                    for (int threads = 1; threads <= 2; threads++) {
                        GemmEngine engine = GemmEngine.of(isa).withThreads(threads).withParallelThreshold(0);
                        assertFusedConvEqualsUnfused(engine, new ConvCase(Precision.TERNARY,
                                Precision.TERNARY_UNSIGNED, s, batch, 14, 13, Layout.NCHW, ValuePattern.RANDOM,
                                ValuePattern.RANDOM, Algorithm.FATNN, seed++));
                    }
                }
            }
        }
    }

    /** A convolution case in trit4j's own types (the kit's {@link io.github.trit4j.testkit.ConvCase} mapped). */
    private record ConvCase(Precision weightPrecision, Precision activationPrecision, Conv2dSpec spec, int batch,
                            int height, int width, Layout layout, ValuePattern weightPattern,
                            ValuePattern inputPattern, Algorithm algorithm, long seed) {
        static ConvCase of(io.github.trit4j.testkit.ConvCase k) {
            return new ConvCase(KitAdapters.precision(k.weightCodes()), KitAdapters.precision(k.inputCodes()),
                    KitAdapters.spec(k.spec()), k.batch(), k.height(), k.width(), KitAdapters.layout(k.layout()),
                    k.weightPattern(), k.inputPattern(), KitAdapters.algorithm(k), k.seed());
        }

        byte[] weights() {
            return weightPattern.values(KitAdapters.codes(weightPrecision), spec.outChannels(),
                    spec.weightLength() / spec.outChannels(), seed);
        }
    }

    private static void assertFusedConvEqualsUnfused(GemmEngine engine, ConvCase c) {
        Conv2dSpec s = c.spec();
        SplittableRandom rnd = new SplittableRandom(c.seed());
        ActivationQuantizer q = c.activationPrecision() == Precision.TWO_BIT
                ? ActivationQuantizer.fatnn(0.5f, 1.5f, 1f, 2f)
                : ActivationQuantizer.fatnn(0.5f, 1.25f, 1f);
        float[] input = new float[c.batch() * s.inChannels() * c.height() * c.width()];
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) (rnd.nextDouble() * 4 - 0.5);
        }
        Conv2d conv = new Conv2d(s, c.weightPrecision(), c.weights(), c.activationPrecision(), engine, c.algorithm());
        int[] acc = conv.forward(input, q, c.batch(), c.height(), c.width(), Layout.NCHW);
        int m = s.outChannels();
        int pixels = acc.length / (c.batch() * m);
        for (int variant = 0; variant < 4; variant++) {
            FloatEpilogue f = randomEpilogue(rnd, m, (variant & 1) != 0);
            float[] residual = (variant & 2) != 0 ? randomFloats(rnd, acc.length) : null;
            float[] expected = new float[acc.length];
            for (int i = 0; i < acc.length; i++) {
                int o = (i / pixels) % m;
                expected[i] = residual == null ? f.apply(o, acc[i]) : f.apply(o, acc[i], residual[i]);
            }
            float[] got = new float[acc.length];
            Arrays.fill(got, Float.NaN);
            conv.forward(input, q, c.batch(), c.height(), c.width(), f, residual, got);
            assertBitsEqual(expected, got, engine + " " + f + (residual != null ? " + residual" : "") + " for " + c);
        }
        // the residual may be the output itself (a block adding into the array it writes)
        FloatEpilogue f = randomEpilogue(rnd, m, true);
        float[] inPlace = randomFloats(rnd, acc.length);
        float[] expected = new float[acc.length];
        for (int i = 0; i < acc.length; i++) {
            expected[i] = f.apply((i / pixels) % m, acc[i], inPlace[i]);
        }
        conv.forward(input, q, c.batch(), c.height(), c.width(), f, inPlace, inPlace);
        assertBitsEqual(expected, inPlace, engine + " residual == out for " + c);
    }

    /** The definition: the int product, then the epilogue per output. */
    private static float[] unfused(FloatEpilogue f, int[] acc, int m, int n, float[] residual) {
        float[] out = new float[acc.length];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int o = i * n + j;
                out[o] = residual == null ? f.apply(i, acc[o]) : f.apply(i, acc[o], residual[o]);
            }
        }
        return out;
    }

    /** Scales of both signs and magnitudes (some tiny, so products round), biases around them, -0.0 among them. */
    static FloatEpilogue randomEpilogue(SplittableRandom rnd, int rows, boolean relu) {
        float[] scale = new float[rows];
        float[] bias = new float[rows];
        for (int i = 0; i < rows; i++) {
            scale[i] = (float) ((rnd.nextBoolean() ? 1 : -1) * Math.pow(10, rnd.nextDouble(-4, 1)) * rnd.nextDouble());
            bias[i] = rnd.nextInt(8) == 0 ? -0.0f : (float) rnd.nextGaussian();
        }
        return FloatEpilogue.of(scale, bias, relu);
    }

    static float[] randomFloats(SplittableRandom rnd, int length) {
        float[] v = new float[length];
        for (int i = 0; i < length; i++) {
            v[i] = rnd.nextInt(16) == 0 ? -0.0f : (float) (rnd.nextGaussian() * 3);
        }
        return v;
    }

    static void assertBitsEqual(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError("output " + i + ": " + actual[i] + " but the unfused path gives "
                        + expected[i] + ": " + what);
            }
        }
    }

    @Test
    void badInputIsRejectedAndOutputUntouched() {
        assertThrows(IllegalArgumentException.class, () -> FloatEpilogue.of(new float[2], new float[3], false));
        assertThrows(IllegalArgumentException.class, () -> FloatEpilogue.of(new float[0], new float[0], false));
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> FloatEpilogue.of(new float[] {1f, Float.NaN}, new float[2], false));
        assertTrue(nan.getMessage().contains("scale[1]"), nan.getMessage());
        IllegalArgumentException inf = assertThrows(IllegalArgumentException.class,
                () -> FloatEpilogue.of(new float[2], new float[] {Float.NEGATIVE_INFINITY, 0f}, true));
        assertTrue(inf.getMessage().contains("bias[0]"), inf.getMessage());

        GemmEngine engine = Gemm.engine();
        PackedMatrix w = PackedMatrix.pack(Precision.TERNARY, new byte[3 * 70], 3, 70);
        PackedMatrix x = PackedMatrix.pack(Precision.TERNARY_UNSIGNED, new byte[5 * 70], 5, 70);
        FloatEpilogue three = FloatEpilogue.of(new float[3], new float[3], false);
        float[] out = new float[15];
        Arrays.fill(out, 7f);
        assertThrows(IllegalArgumentException.class, () -> engine.multiply(w, x, Algorithm.FATNN,
                FloatEpilogue.of(new float[2], new float[2], false), null, out));
        assertThrows(IllegalArgumentException.class, () -> engine.multiply(w, x, Algorithm.FATNN, three, null,
                new float[14]));
        assertThrows(IllegalArgumentException.class, () -> engine.multiply(w, x, Algorithm.FATNN, three,
                new float[16], out));
        for (float v : out) {
            assertEquals(7f, v);
        }

        Conv2dSpec s = Conv2dSpec.of(4, 3, 3, 3).padding(1);
        Conv2d conv = new Conv2d(s, Precision.TERNARY, new byte[s.weightLength()], Precision.TERNARY_UNSIGNED);
        ActivationQuantizer q = ActivationQuantizer.fatnn(0.5f, 1f, 1f);
        float[] in = new float[4 * 5 * 5];
        float[] convOut = new float[3 * 5 * 5];
        Arrays.fill(convOut, 7f);
        assertThrows(IllegalArgumentException.class, () -> conv.forward(in, q, 1, 5, 5,
                FloatEpilogue.of(new float[4], new float[4], true), null, convOut));
        assertThrows(IllegalArgumentException.class, () -> conv.forward(in, q, 1, 5, 5, three, new float[74],
                convOut));
        assertThrows(IllegalArgumentException.class, () -> conv.forward(in, q, 1, 5, 5, three, null,
                new float[74]));
        assertThrows(IllegalArgumentException.class, () -> conv.forward(in, ActivationQuantizer.fatnn(0.5f, 1f, 1f, 1f),
                1, 5, 5, three, null, convOut));
        float[] withNaN = in.clone();
        withNaN[17] = Float.NaN;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> conv.forward(withNaN, q, 1, 5, 5, three, null, convOut));
        assertTrue(e.getMessage().contains("17"), e.getMessage());
        for (float v : convOut) {
            assertEquals(7f, v);
        }
    }

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /**
     * Once warm (rounds of calls until one allocates nothing, within 30 s), a fused convolution (the in-product
     * path, batch 1) and a fused product allocate nothing per call
     * on their thread, on every shape the JIT compiles.
     */
    @Test
    void steadyStateFusedCallsAllocateNothing() {
        Assumptions.assumeTrue(THREADS.isThreadAllocatedMemorySupported() && THREADS.isThreadAllocatedMemoryEnabled());
        long id = Thread.currentThread().threadId();
        for (Isa isa : TestShapes.shapes()) {
            if (!TestShapes.intrinsified(isa)) {
                continue; // the Vector API's Java fallback allocates per operation
            }
            GemmEngine engine = GemmEngine.of(isa).withThreads(1);
            Conv2dSpec s = Conv2dSpec.of(64, 32, 3, 3).padding(1);
            SplittableRandom rnd = new SplittableRandom(3);
            byte[] w = ValuePattern.RANDOM.values(KitAdapters.codes(Precision.TERNARY), 32, s.patchLength(), 4);
            Conv2d conv = new Conv2d(s, Precision.TERNARY, w, Precision.TERNARY_UNSIGNED, engine, Algorithm.FATNN);
            ActivationQuantizer q = ActivationQuantizer.fatnn(0.5f, 1f, 1f);
            float[] in = randomFloats(rnd, 64 * 12 * 12);
            float[] residual = randomFloats(rnd, 32 * 12 * 12);
            float[] out = new float[residual.length];
            FloatEpilogue f = randomEpilogue(rnd, 32, true);
            PackedMatrix gw = PackedMatrix.pack(Precision.TERNARY, w, 32, s.patchLength());
            PackedMatrix gx = PackedMatrix.pack(Precision.TERNARY_UNSIGNED,
                    ValuePattern.RANDOM.values(KitAdapters.codes(Precision.TERNARY_UNSIGNED), 144, s.patchLength(), 5), 144,
                    s.patchLength());
            int calls = 200;
            long perCall = Long.MAX_VALUE;
            // rounds until one allocates nothing, within a time limit: the Vector API allocates until C2 has
            // compiled every kernel of the path (the NCHW transpose is called a few times per call), and on a
            // loaded machine the compile queue delays that (as nn's AllocationTest allows for)
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            for (int round = 0; perCall > 0 && (round < 5 || System.nanoTime() < deadline); round++) {
                for (int i = 0; i < calls; i++) {
                    conv.forward(in, q, 1, 12, 12, f, residual, out);
                    engine.multiply(gw, gx, Algorithm.FATNN, f, null, out);
                }
                long before = THREADS.getThreadAllocatedBytes(id);
                for (int i = 0; i < calls; i++) {
                    conv.forward(in, q, 1, 12, 12, f, residual, out);
                    engine.multiply(gw, gx, Algorithm.FATNN, f, null, out);
                }
                perCall = (THREADS.getThreadAllocatedBytes(id) - before) / calls;
            }
            assertEquals(0, perCall, isa + ": bytes per fused convolution and product in steady state");
        }
    }
}
