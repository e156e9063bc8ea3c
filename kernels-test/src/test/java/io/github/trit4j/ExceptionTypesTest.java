package io.github.trit4j;

import io.github.trit4j.layers.PackedWeights;
import io.github.trit4j.layers.TernaryBlas;
import io.github.trit4j.layers.TernaryLinear;
import io.github.trit4j.quant.ActivationQuantizer;
import io.github.trit4j.quant.WeightQuantizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/** The same bad input gives the same IllegalArgumentException on every path, naming the caller's parameter. */
class ExceptionTypesTest {

    private static void assertIae(Executable e, String... parts) {
        String msg = assertThrows(IllegalArgumentException.class, e).getMessage();
        for (String part : parts) {
            assertTrue(msg != null && msg.contains(part), () -> "'" + msg + "' should mention '" + part + "'");
        }
    }

    private static TernaryLinear linear() {
        return new TernaryLinear(new float[] {1f, -1f, 0.2f, 0.4f}, 2, 2, WeightQuantizer.fatnn(1f, 1f, false, 1f),
                ActivationQuantizer.fatnn(1f, 1f, 1f), null, false);
    }

    @Test
    void linearForwardAndAccumulateAgreeOnAHugeBatch() {
        TernaryLinear layer = linear();
        assertIae(() -> layer.accumulate(new float[2], Integer.MAX_VALUE), "input.length is 2");
        assertIae(() -> layer.forward(new float[2], Integer.MAX_VALUE), "input.length is 2");
        assertIae(() -> layer.forward(new float[2], Integer.MAX_VALUE, new float[2]), "out.length");
    }

    @Test
    void nanMessagesNameTheCallersParameter() {
        TernaryLinear layer = linear();
        float[] input = {1f, 2f, 3f, Float.NaN};
        assertIae(() -> layer.forward(input, 2), "input[3]");
        assertIae(() -> layer.accumulate(input, 2), "input[3]");
        PackedWeights b = PackedWeights.pack(new float[] {1f, -1f, 0.5f, 0.2f}, 0, 2, 2, 2,
                WeightQuantizer.fatnn(1f, 1f, false, 1f), ActivationQuantizer.fatnn(1f, 1f, 1f));
        float[] a = {1f, Float.NaN};
        assertIae(() -> TernaryBlas.sgemm(1, 2, 2, 1f, a, 2, b, 0f, new float[2], 2), "a[1]");
        assertIae(() -> ActivationQuantizer.fatnn(1f, 1f, 1f).pack(a, 0, 1, 2, 2), "x[1]");
    }

    /** 1/alpha must be a float: an alpha so small that it is not is rejected, naming it and why. */
    @Test
    void alphasWhoseOffsetsOverflowAreRejected() {
        assertIae(() -> ActivationQuantizer.fatnn(1f, 1e-40f, 1f), "alphas[0]", "1.0E-40", "1 / alphas[0]");
        assertIae(() -> ActivationQuantizer.fatnn(1f, 1f, 1e-40f, 1f), "alphas[1]", "1.0E-40");
        // each inverse finite, their sum not
        assertIae(() -> ActivationQuantizer.fatnn(1f, 3e-39f, 3e-39f, 1f), "alphas[1]", "overflows");
        // the smallest accepted alpha works on every path
        float tiny = 1f / Float.MAX_VALUE;
        ActivationQuantizer q = ActivationQuantizer.fatnn(1f, Math.nextUp(tiny), 1f);
        assertEquals(q.code(Float.POSITIVE_INFINITY), q.codes(new float[] {Float.POSITIVE_INFINITY})[0]);
    }

    /**
     * code(), codes() and packPlanes() agree for every accepted quantizer, alphas from the
     * smallest whose inverses are floats to the largest floats, on inputs of every magnitude,
     * the cuts and their neighbours, signed zeros and infinities.
     */
    @Test
    void everyPathAgreesOnExtremeButAcceptedAlphas() {
        qt().withExamples(2000).forAll(integers().between(2, 3), longs().all()).checkAssert((count, seed) -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            float[] alphas = new float[count];
            for (int i = 0; i < count; i++) {
                alphas[i] = randomMagnitude(rnd);
            }
            ActivationQuantizer q;
            try {
                q = ActivationQuantizer.fatnn(randomMagnitude(rnd), alphas);
            } catch (IllegalArgumentException rejected) {
                // rejected only when an offset 1/a0 (+ 1/a1) is not a float
                float c1 = 1f / alphas[0];
                float c2 = count == 3 ? c1 + 1f / alphas[1] : 0f;
                assertTrue(!Float.isFinite(c1) || !Float.isFinite(c2)
                        || rejected.getMessage().contains("scale"), rejected.getMessage());
                return;
            }
            float c = 0f;
            float[] cuts = new float[2 * count];
            for (int i = 0; i < count; i++) {
                cuts[2 * i] = c + 0.5f / alphas[i];
                cuts[2 * i + 1] = c;
                c += 1f / alphas[i];
            }
            int len = 1 + rnd.nextInt(200);
            float[] x = new float[len];
            for (int i = 0; i < len; i++) {
                x[i] = switch (rnd.nextInt(5)) {
                    case 0 -> cuts[rnd.nextInt(cuts.length)];
                    case 1 -> Math.nextUp(cuts[rnd.nextInt(cuts.length)]);
                    case 2 -> Math.nextDown(cuts[rnd.nextInt(cuts.length)]);
                    case 3 -> new float[] {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
                            Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, -Float.MIN_VALUE}[rnd.nextInt(8)];
                    default -> (rnd.nextBoolean() ? 1 : -1) * randomMagnitude(rnd);
                };
            }
            byte[] bulk = q.codes(x);
            byte[] scalar = new byte[len];
            for (int i = 0; i < len; i++) {
                scalar[i] = (byte) q.code(x[i]);
                int ii = i;
                assertEquals(scalar[i], bulk[i], () -> q + ": code and codes differ at x = " + x[ii]);
            }
            int words = PackedMatrix.wordsPerRowFor(len);
            long[] expected = PackedMatrix.pack(q.precision(), scalar, 1, len).bits();
            long[] p0 = new long[words];
            long[] p1 = new long[words];
            assertEquals(-1, q.packPlanes(x, 0, len, p0, 0, p1, 0, 1));
            for (int g = 0; g < (len + 63) / 64; g++) {
                int gg = g;
                assertEquals(expected[g], p0[g], () -> q + ": packPlanes plane 0 differs in word " + gg
                        + " for " + java.util.Arrays.toString(x));
                assertEquals(expected[words + g], p1[g], () -> q + ": packPlanes plane 1 differs in word " + gg
                        + " for " + java.util.Arrays.toString(x));
            }
        });
    }

    /** A positive float of any exponent, subnormals included. */
    private static float randomMagnitude(SplittableRandom rnd) {
        return rnd.nextInt(10) == 0 ? Float.intBitsToFloat(1 + rnd.nextInt(0x007fffff))
                : Float.intBitsToFloat((1 + rnd.nextInt(254)) << 23 | rnd.nextInt(1 << 23));
    }
}
