package io.github.trit4j.bench;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.function.IntSupplier;

import static io.github.trit4j.bench.IntStemProducts.C;
import static io.github.trit4j.bench.IntStemProducts.H;
import static io.github.trit4j.bench.IntStemProducts.K;
import static io.github.trit4j.bench.IntStemProducts.M;
import static io.github.trit4j.bench.IntStemProducts.PIXELS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The integer stem candidates of {@link StemProductBenchmark} equal the convolution's definition
 * bit for bit on the stem's shape, at the largest codes each one claims (the sums' worst case:
 * every product at its maximum, same sign), and on random codes.
 */
class IntStemProductsTest {

    private static int[] codes(int n, IntSupplier v) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = v.getAsInt();
        }
        return a;
    }

    /** Every candidate that takes codes of magnitude up to {@code max}, against {@link IntStemProducts#naive}. */
    private static void checkAll(int[] w, int[] x, boolean sevenBit) {
        int[] want = IntStemProducts.naive(w, x);
        int[] taps = IntStemProducts.taps();
        int[] ph = IntStemProducts.phases(x);
        int[] slivers = IntStemProducts.slivers(w);
        short[] phS = IntStemProducts.toShorts(ph);
        int[] tile = new int[IntStemProducts.MR * 2 * IntStemProducts.LS];

        int[] c = new int[M * PIXELS];
        IntStemProducts.widenWindows(slivers, IntStemProducts.toBytes(ph), taps, c, tile);
        assertArrayEquals(want, c, "widen");

        c = new int[M * PIXELS];
        IntStemProducts.shortWindows(IntStemProducts.toShorts(slivers), 2, phS, taps, c, tile);
        assertArrayEquals(want, c, "short, 2 taps per widening");

        c = new int[M * PIXELS];
        IntStemProducts.mulAddS2I(IntStemProducts.pairWeights(w), phS, taps, c, IntStemProducts.pairPatchScratch());
        assertArrayEquals(want, c, "MulAddS2I");

        if (sevenBit) {
            c = new int[M * PIXELS];
            IntStemProducts.shortWindows(IntStemProducts.toShorts(slivers), 8, phS, taps, c, tile);
            assertArrayEquals(want, c, "short, 8 taps per widening");
            if (IntStemProducts.rowsFit()) {
                c = new int[M * PIXELS];
                IntStemProducts.shortRows(IntStemProducts.slivers2(w), phS, taps, c, 8);
                assertArrayEquals(want, c, "short rows, 8 taps per widening");
            }
        }
    }

    @Test
    void eightBitCodesAtTheirLargest() {
        checkAll(codes(M * K, () -> 127), codes(C * H * H, () -> -127), false);
    }

    @Test
    void randomEightBitCodes() {
        SplittableRandom r = new SplittableRandom(1);
        checkAll(codes(M * K, () -> r.nextInt(-127, 128)), codes(C * H * H, () -> r.nextInt(-127, 128)), false);
    }

    @Test
    void sevenBitCodesAtTheirLargest() {
        SplittableRandom r = new SplittableRandom(2);
        int[] w = codes(M * K, () -> r.nextBoolean() ? 63 : -63);
        checkAll(w, codes(C * H * H, () -> 63), true);
    }

    @Test
    void randomSevenBitCodes() {
        SplittableRandom r = new SplittableRandom(3);
        checkAll(codes(M * K, () -> r.nextInt(-63, 64)), codes(C * H * H, () -> r.nextInt(-63, 64)), true);
    }

    /** The group bound is real: 8 taps of 8-bit products overflow 16 bits, so the sums differ. */
    @Test
    void eightTapsOfEightBitCodesOverflowShortLanes() {
        int[] w = codes(M * K, () -> 127);
        int[] x = codes(C * H * H, () -> 127);
        int[] want = IntStemProducts.naive(w, x);
        int[] c = new int[M * PIXELS];
        IntStemProducts.shortWindows(IntStemProducts.toShorts(IntStemProducts.slivers(w)), 8,
                IntStemProducts.toShorts(IntStemProducts.phases(x)), IntStemProducts.taps(), c,
                new int[IntStemProducts.MR * 2 * IntStemProducts.LS]);
        assertFalse(java.util.Arrays.equals(want, c));
        assertEquals(K * 127 * 127, want[(M / 2) * PIXELS + 56 * 112 + 56], "an interior output sees every tap");
    }
}
