package io.github.trit4j;

import io.github.trit4j.layers.PackedWeights;
import io.github.trit4j.quant.ActivationQuantizer;
import io.github.trit4j.quant.WeightQuantizer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every public entry point rejects bad input with a message that names the problem. */
class BadInputTest {

    private static final byte[] TERNARY_2x3 = {1, 0, -1, -1, 1, 0};
    private static final byte[] UNSIGNED_2x3 = {0, 1, 2, 2, 1, 0};

    private static void assertMessage(Throwable t, String... parts) {
        for (String part : parts) {
            assertTrue(t.getMessage() != null && t.getMessage().contains(part),
                    () -> "message '" + t.getMessage() + "' should mention '" + part + "'");
        }
    }

    @Test
    void valueOutsideTheSetNamesIndexAndValue() {
        byte[] v = {1, 0, -1, 2, 1, 0};
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> PackedMatrix.pack(Precision.TERNARY, v, 2, 3)), "value 2", "index 3", "TERNARY");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> PackedMatrix.pack(Precision.BINARY, new byte[] {1, 0}, 1, 2)), "value 0", "index 1");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> PackedMatrix.pack(Precision.TERNARY_UNSIGNED, new byte[] {3}, 1, 1)), "value 3", "index 0");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> PackedMatrix.pack(Precision.TWO_BIT, new byte[] {0, -1}, 1, 2)), "value -1", "index 1");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> PackedMatrix.pack(Precision.TWO_BIT, new byte[] {4}, 1, 1)), "value 4");
    }

    @Test
    void nonPositiveDimensions() {
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> PackedMatrix.pack(Precision.TERNARY, new byte[0], 0, 3)), "rows", "0");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> PackedMatrix.pack(Precision.TERNARY, new byte[0], 3, 0)), "cols", "0");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> PackedMatrix.pack(Precision.TERNARY, new byte[0], -1, 3)), "rows", "-1");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> PackedMatrix.pack(Precision.TERNARY, new byte[0], 2, -5)), "cols", "-5");
    }

    /**
     * TWN and sign fit their scales to |w|: an infinite weight is refused naming its index (TWN
     * silently gave all-zero codes and scale 1 for {@code [inf, 1, 0, 0]}); the FATNN kinds, whose
     * scales are given, quantize it like a very large value, as documented.
     */
    @Test
    void weightQuantizersThatFitScalesRefuseInfiniteWeights() {
        float[] w = {0.5f, Float.POSITIVE_INFINITY, 1f, 0f};
        for (WeightQuantizer wq : new WeightQuantizer[] {WeightQuantizer.twn(), WeightQuantizer.sign()}) {
            assertMessage(assertThrows(IllegalArgumentException.class, () -> wq.quantize(w, 1), wq.toString()),
                    "weights[1]", "Infinity");
            assertMessage(assertThrows(IllegalArgumentException.class,
                    () -> wq.quantize(new float[] {0f, 1f, Float.NEGATIVE_INFINITY, 0f}, 2), wq.toString()),
                    "weights[2]", "-Infinity");
        }
        float[] large = {0.5f, 3e38f, 1f, 0f};
        assertArrayEquals(new byte[] {0, 1, 0, 0}, WeightQuantizer.twn().quantize(large, 1).codes());
        assertArrayEquals(new byte[] {0, 1, 1, 0},
                WeightQuantizer.fatnn(1f, 1f, false, 1f).quantize(w, 1).codes());
    }

    /** The float-matrix packers name their size parameters as the sizes scheme does (rows, cols, ld). */
    @Test
    void floatMatrixPackersNameTheirSizes() {
        ActivationQuantizer aq = ActivationQuantizer.fatnn(1f, 1f, 1f);
        WeightQuantizer wq = WeightQuantizer.fatnn(1f, 1f, false, 1f);
        float[] six = new float[6];
        assertMessage(assertThrows(IllegalArgumentException.class, () -> aq.pack(six, 0, 0, 3, 3)), "rows", "0");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> aq.pack(six, 0, 2, 0, 3)), "cols", "0");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> aq.pack(six, 0, 2, 3, 2)),
                "ld = 2", "cols = 3");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> aq.pack(six, -1, 2, 3, 3)), "offset", "-1");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> aq.pack(six, 1, 2, 3, 3)),
                "x.length is 6", "(rows - 1) * ld + cols = 7");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> PackedWeights.pack(six, 0, 0, 3, 3, wq, aq)), "rows", "0");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> PackedWeights.pack(six, 0, 2, 0, 3, wq, aq)), "cols", "0");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> PackedWeights.pack(six, 0, 2, 3, 2, wq, aq)), "ldb = 2", "cols = 3");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> PackedWeights.pack(six, 1, 2, 3, 3, wq, aq)),
                "b.length is 6", "(rows - 1) * ldb + cols = 7");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> wq.quantize(six, 0)), "rows", "0");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> wq.quantize(six, 4)), "rows = 4");
    }

    @Test
    void lengthMismatch() {
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> PackedMatrix.pack(Precision.TERNARY, TERNARY_2x3, 2, 2)), "values.length", "6", "4");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> PackedMatrix.pack(Precision.TERNARY, TERNARY_2x3, 65536, 65536)), "values.length");
    }

    @Test
    void nullsAreNamed() {
        assertMessage(assertThrows(NullPointerException.class,
                () -> PackedMatrix.pack(null, TERNARY_2x3, 2, 3)), "precision");
        assertMessage(assertThrows(NullPointerException.class,
                () -> PackedMatrix.pack(Precision.TERNARY, null, 2, 3)), "values");
        PackedMatrix w = PackedMatrix.pack(Precision.TERNARY, TERNARY_2x3, 2, 3);
        assertMessage(assertThrows(NullPointerException.class, () -> Gemm.multiply(null, w)), "weights");
        assertMessage(assertThrows(NullPointerException.class, () -> Gemm.multiply(w, null)), "activations");
        assertMessage(assertThrows(NullPointerException.class, () -> Gemm.multiply(w, w, (int[]) null)), "out");
        assertMessage(assertThrows(NullPointerException.class,
                () -> Gemm.multiply(w, w, (Algorithm) null)), "algorithm");
        assertMessage(assertThrows(NullPointerException.class, () -> GemmEngine.of(null)), "isa");
    }

    @Test
    void kMismatch() {
        for (Isa isa : TestShapes.shapes()) {
            PackedMatrix w = PackedMatrix.pack(Precision.TERNARY, TERNARY_2x3, 2, 3);
            PackedMatrix x = PackedMatrix.pack(Precision.TERNARY_UNSIGNED, UNSIGNED_2x3, 3, 2);
            assertMessage(assertThrows(IllegalArgumentException.class, () -> GemmEngine.of(isa).multiply(w, x)),
                    "K mismatch", "3", "2");
        }
    }

    @Test
    void unsupportedPairsNameTheSupportedOnes() {
        for (Precision pw : Precision.values()) {
            for (Precision px : Precision.values()) {
                if (GemmEngine.supports(pw, px)) {
                    continue;
                }
                PackedMatrix w = PackedMatrix.pack(pw, filled(pw, 4), 2, 2);
                PackedMatrix x = PackedMatrix.pack(px, filled(px, 4), 2, 2);
                for (Algorithm a : Algorithm.values()) {
                    assertMessage(assertThrows(IllegalArgumentException.class, () -> Gemm.multiply(w, x, a)),
                            "unsupported pair " + pw + " x " + px, "TERNARY x TERNARY_UNSIGNED", "BINARY x BINARY");
                }
            }
        }
    }

    @Test
    void wrongOutputLengthLeavesTheArrayUntouched() {
        PackedMatrix w = PackedMatrix.pack(Precision.TERNARY, TERNARY_2x3, 2, 3);
        PackedMatrix x = PackedMatrix.pack(Precision.TERNARY_UNSIGNED, UNSIGNED_2x3, 2, 3);
        for (Isa isa : TestShapes.shapes()) {
            for (int len : new int[] {0, 3, 5}) {
                int[] out = new int[len];
                Arrays.fill(out, 42);
                assertMessage(assertThrows(IllegalArgumentException.class,
                        () -> GemmEngine.of(isa).multiply(w, x, Algorithm.FATNN, out)), "out.length", "" + len, "4");
                int[] untouched = new int[len];
                Arrays.fill(untouched, 42);
                assertArrayEquals(untouched, out);
            }
            int[] out = new int[4];
            Arrays.fill(out, 42);
            PackedMatrix bad = PackedMatrix.pack(Precision.TERNARY_UNSIGNED, new byte[] {0, 1, 2, 2}, 2, 2);
            assertThrows(IllegalArgumentException.class, () -> GemmEngine.of(isa).multiply(w, bad, out));
            assertArrayEquals(new int[] {42, 42, 42, 42}, out, "nothing written on a K mismatch");
        }
    }

    private static byte[] filled(Precision p, int n) {
        byte[] v = new byte[n];
        Arrays.fill(v, (byte) p.max());
        return v;
    }
}
