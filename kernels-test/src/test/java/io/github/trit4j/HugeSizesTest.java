package io.github.trit4j;

import io.github.trit4j.conv.Conv2d;
import io.github.trit4j.conv.Conv2dSpec;
import io.github.trit4j.conv.Layout;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sizes at the edge of int: K near 2^31, padding near Integer.MAX_VALUE, outputs beyond an
 * array. Either the exact answer or an IllegalArgumentException naming the size; never a wrong
 * integer, a NegativeArraySizeException or an ArithmeticException. The K tests use the
 * smallest arrays that reach such K (one row of one plane: 256 MB).
 */
class HugeSizesTest {

    /** The largest K: every word of K = 2^31 - 1 is full except the last, which has 63 bits. */
    private static final int MAX_K = Integer.MAX_VALUE;

    private static void assertIae(Executable e, String... parts) {
        String msg = assertThrows(IllegalArgumentException.class, e).getMessage();
        for (String part : parts) {
            assertTrue(msg != null && msg.contains(part), () -> "'" + msg + "' should mention '" + part + "'");
        }
    }

    private static void assumeHeap(long bytes) {
        Assumptions.assumeTrue(Runtime.getRuntime().maxMemory() >= bytes,
                "needs a heap of " + (bytes >> 20) + " MB");
    }

    @Test
    void padBitsPastKNearTwoToThe31AreRejected() {
        assumeHeap(1L << 30);
        int words = PackedMatrix.wordsPerRowFor(MAX_K);
        assertEquals(1 << 25, words);
        long[] bits = new long[words];
        bits[words - 1] = 1L << 63; // bit K of the row: past K = 2^31 - 1
        assertIae(() -> PackedMatrix.fromBitPlanes(Precision.BINARY, 1, MAX_K, bits), "pad bits", "row 0");
        assertIae(() -> PackedMatrix.fromColumnPanels(Precision.BINARY, 1, MAX_K, 1, bits), "pad bits");
        bits[words - 1] = Long.MAX_VALUE; // bits K - 63 .. K - 1: inside K
        assertEquals(MAX_K, PackedMatrix.fromBitPlanes(Precision.BINARY, 1, MAX_K, bits).cols());
        // K = 2^31 - 64: the last word of the row is all pad, the one before it full
        int k = MAX_K - 63;
        bits[words - 1] = 0L;
        bits[words - 2] = -1L;
        assertEquals(k, PackedMatrix.fromBitPlanes(Precision.BINARY, 1, k, bits).cols());
        assertIae(() -> PackedMatrix.fromBitPlanes(Precision.BINARY, 1, k - 1, bits), "pad bits", "word " + (words - 2));
    }

    /**
     * All +1 x +1 at K = 2^31 - 1 is K, both algorithms, binary and ternary (whose raw sums pass
     * int on the way). On SCALAR only: the pad masks are the shapes' common code, and a vector
     * shape's first call over 2^31 columns runs interpreted for tens of seconds (all four shapes
     * were checked by hand, exact).
     */
    @Test
    void productsAtTheLargestKAreExact() {
        assumeHeap(3L << 30);
        int words = PackedMatrix.wordsPerRowFor(MAX_K);
        long[] ones = new long[words]; // BINARY +1 is bit 0
        PackedMatrix b = PackedMatrix.fromBitPlanes(Precision.BINARY, 1, MAX_K, ones);
        assertArrayEquals(new int[] {MAX_K}, GemmEngine.of(Isa.SCALAR).multiply(b, b, Algorithm.FATNN), "binary");
        ones = null;
        b = null;
        long[] planes = new long[2 * words]; // TERNARY +1: m set, s clear, within K
        Arrays.fill(planes, 0, words, -1L);
        planes[words - 1] = Long.MAX_VALUE;
        PackedMatrix t = PackedMatrix.fromBitPlanes(Precision.TERNARY, 1, MAX_K, planes);
        for (Algorithm a : Algorithm.values()) {
            assertArrayEquals(new int[] {MAX_K}, GemmEngine.of(Isa.SCALAR).multiply(t, t, a), "ternary " + a);
        }
    }

    @Test
    void unpackBeyondAnArrayIsAClearError() {
        assumeHeap(1L << 30);
        int k = 1 << 30;
        long[] bits = new long[2 * PackedMatrix.wordsPerRowFor(k)];
        PackedMatrix m = PackedMatrix.fromBitPlanes(Precision.BINARY, 2, k, bits);
        assertIae(m::unpack, "2 * 1073741824", "array");
    }

    @Test
    void paddingNearIntMaxIsRejectedOrExact() {
        assertIae(() -> Conv2dSpec.of(1, 1, 1, 1).padding(Integer.MAX_VALUE).outputHeight(1), "height", "padding");
        assertIae(() -> Conv2dSpec.of(1, 1, 1, 1).padding(Integer.MAX_VALUE, 0).outputHeight(1), "height");
        assertIae(() -> Conv2dSpec.of(1, 1, 1, 1).padding(0, Integer.MAX_VALUE).outputWidth(1), "width");
        Conv2d conv = new Conv2d(Conv2dSpec.of(1, 1, 1, 1).padding(Integer.MAX_VALUE, 0), Precision.TERNARY,
                new byte[] {1}, Precision.TERNARY_UNSIGNED, GemmEngine.of(Isa.SCALAR), Algorithm.FATNN);
        assertIae(() -> conv.forward(new byte[] {1}, 1, 1, 1, Layout.NCHW), "height");
        // large but representable: padding 2^30 on a 1-pixel image, kernel 1, stride 2^30 + 1: 2 x 2 output of zeros
        // and the input pixel... exact against the direct loop
        Conv2dSpec s = Conv2dSpec.of(1, 1, 1, 1).padding(1 << 29).stride(1 << 29);
        assertEquals(3, s.outputHeight(1));
        Conv2d c = new Conv2d(s, Precision.TERNARY, new byte[] {-1}, Precision.TERNARY_UNSIGNED,
                GemmEngine.of(Isa.SCALAR), Algorithm.FATNN);
        int[] out = c.forward(new byte[] {2}, 1, 1, 1, Layout.NCHW);
        assertArrayEquals(new int[] {0, 0, 0, 0, -2, 0, 0, 0, 0}, out);
        // dilation whose span exceeds int
        assertIae(() -> Conv2dSpec.of(1, 1, 3, 3).dilation(Integer.MAX_VALUE).outputHeight(5), "height");
    }
}
