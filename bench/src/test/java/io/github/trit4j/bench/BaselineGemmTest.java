package io.github.trit4j.bench;

import io.github.trit4j.Gemm;

import io.github.trit4j.nn.gemm.Fp32VectorGemm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The study's baselines against the naive triple loop, on shapes that cross every tile and block edge. */
class BaselineGemmTest {

    /** M across the 4-row tile and the 256-row block, N across the along-K switch and the panel width, K across KC. */
    static Stream<Arguments> shapes() {
        List<Arguments> list = new ArrayList<>();
        int nr = Fp32VectorGemm.NR;
        int[][] shapes = {
                {1, 1, 1}, {3, 7, 5}, {4, 8, 64}, {5, 9, 255}, {7, nr - 1, 256}, {8, nr, 257},
                {9, nr + 1, 513}, {13, 2 * nr + 3, 100}, {260, 17, 70}, {33, 1, 1000}, {6, 3, 31}, {64, 49, 300},
        };
        for (int[] s : shapes) {
            for (int threads : new int[] {1, 3}) {
                list.add(Arguments.of(s[0], s[1], s[2], threads));
            }
        }
        return list.stream();
    }

    @ParameterizedTest(name = "M={0} N={1} K={2} threads={3}")
    @MethodSource("shapes")
    void fp32VectorMatchesTheNaiveLoop(int m, int n, int k, int threads) {
        SplittableRandom random = new SplittableRandom(m * 31L + n * 17L + k);
        float[] a = StudyProducts.randomFloats(random, m * k);
        float[] b = StudyProducts.randomFloats(random, n * k);
        float[] c = new float[m * n];
        java.util.Arrays.fill(c, Float.NaN); // every element must be written
        Fp32VectorGemm.prepare(a, b, m, n, k).multiply(c, Gemm.engine().withThreads(threads));
        assertClose(naive(a, b, m, n, k), c, k);
    }

    @ParameterizedTest(name = "M={0} N={1} K={2} threads={3}")
    @MethodSource("shapes")
    void int8VectorMatchesTheNaiveLoopExactly(int m, int n, int k, int threads) {
        SplittableRandom random = new SplittableRandom(m * 31L + n * 17L + k);
        byte[] a = StudyProducts.randomBytes(random, m * k);
        byte[] b = StudyProducts.randomBytes(random, n * k);
        int[] c = new int[m * n];
        java.util.Arrays.fill(c, Integer.MIN_VALUE);
        Int8VectorGemm.prepare(a, b, m, n, k).multiply(c, Gemm.engine().withThreads(threads));
        assertArrayEquals(naive(a, b, m, n, k), c);
    }

    @Test
    void int8ExtremesDoNotOverflow() {
        int m = 5;
        int n = 40;
        int k = 4608;
        byte[] a = new byte[m * k];
        byte[] b = new byte[n * k];
        java.util.Arrays.fill(a, Byte.MIN_VALUE);
        java.util.Arrays.fill(b, Byte.MIN_VALUE);
        int[] c = new int[m * n];
        Int8VectorGemm.prepare(a, b, m, n, k).multiply(c, Gemm.engine().withThreads(2));
        for (int v : c) {
            assertEquals(128 * 128 * k, v);
        }
    }

    @ParameterizedTest(name = "M={0} N={1} K={2} threads={3}")
    @MethodSource("shapes")
    void openBlasMatchesTheNaiveLoop(int m, int n, int k, int threads) {
        SplittableRandom random = new SplittableRandom(m * 31L + n * 17L + k);
        float[] a = StudyProducts.randomFloats(random, m * k);
        float[] b = StudyProducts.randomFloats(random, n * k);
        for (OpenBlas.Source source : OpenBlas.availableSources()) {
            try (OpenBlasSgemm sgemm = new OpenBlasSgemm(OpenBlas.load(source), a, b, m, n, k)) {
                sgemm.multiply(threads);
                assertClose(naive(a, b, m, n, k), sgemm.result(), k);
            }
        }
    }

    @Test
    void everyOpenBlasReportsVersionAndCore() {
        assertTrue(OpenBlas.availableSources().contains(OpenBlas.Source.BYTEDECO), "bytedeco's OpenBLAS is bundled");
        for (OpenBlas.Source source : OpenBlas.availableSources()) {
            OpenBlas lib = OpenBlas.load(source);
            String described = lib.describe();
            System.out.println("OpenBLAS: " + described + ", " + lib.path() + ", " + lib.config());
            assertTrue(lib.version().matches("\\d+\\.\\d+\\.\\d+.*"), lib.config());
            assertFalse(lib.coreName().isBlank() || lib.coreName().startsWith("?"), described);
            assertTrue(described.contains("(" + source.id()), described);
            String forced = System.getenv("OPENBLAS_CORETYPE");
            if (forced != null && !forced.isBlank()) {
                assertTrue(described.contains("OPENBLAS_CORETYPE=" + forced), described);
            }
        }
    }

    @Test
    void openBlasRejectsBadArguments() {
        OpenBlas lib = OpenBlas.load(OpenBlas.Source.BYTEDECO);
        assertThrows(IllegalArgumentException.class, () -> lib.threads(0));
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment small = arena.allocate(4 * Float.BYTES);
            assertThrows(IllegalArgumentException.class, () -> lib.sgemm(true, 2, 2, 2, small, small, arena.allocate(3)));
            assertThrows(IllegalArgumentException.class, () -> lib.sgemm(true, 0, 2, 2, small, small, small));
            assertThrows(IllegalArgumentException.class, () -> lib.sgemm(true, 2, 2, 2,
                    java.lang.foreign.MemorySegment.ofArray(new float[4]), small, small));
        }
        assertThrows(IllegalArgumentException.class, () -> OpenBlas.Source.parse("mkl"));
    }

    @Test
    void badShapesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Fp32VectorGemm.prepare(new float[4], new float[4], 2, 2, 3));
        assertThrows(IllegalArgumentException.class, () -> Int8VectorGemm.prepare(new byte[0], new byte[0], 0, 1, 1));
        Fp32VectorGemm g = Fp32VectorGemm.prepare(new float[4], new float[4], 2, 2, 2);
        assertThrows(IllegalArgumentException.class, () -> g.multiply(new float[3], Gemm.engine()));
    }

    static float[] naive(float[] a, float[] b, int m, int n, int k) {
        float[] c = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int q = 0; q < k; q++) {
                    s += (double) a[i * k + q] * b[j * k + q];
                }
                c[i * n + j] = (float) s;
            }
        }
        return c;
    }

    static int[] naive(byte[] a, byte[] b, int m, int n, int k) {
        int[] c = new int[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int s = 0;
                for (int q = 0; q < k; q++) {
                    s += a[i * k + q] * b[j * k + q];
                }
                c[i * n + j] = s;
            }
        }
        return c;
    }

    /** fp32 sums of K terms in [-1,1): a relative-to-K tolerance. */
    private static void assertClose(float[] expected, float[] actual, int k) {
        assertEquals(expected.length, actual.length);
        float tolerance = 1e-5f * k + 1e-5f;
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(expected[i] - actual[i]) <= tolerance)) {
                throw new AssertionError("element " + i + ": expected " + expected[i] + ", got " + actual[i]);
            }
        }
    }
}
