package io.github.trit4j;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;

/**
 * The heart of the suite: for every kernel shape, instantiated directly, and every
 * supported pair, the product equals the naive integer oracle bit for bit, with both
 * algorithms, over random shapes whose K sits often on a packing granule boundary.
 */
class GemmPropertiesTest {

    /** The supported (weights, activations) pairs. */
    static final Precision[][] PAIRS = {
            {Precision.TERNARY, Precision.TERNARY_UNSIGNED},
            {Precision.TERNARY, Precision.TWO_BIT},
            {Precision.TERNARY, Precision.TERNARY},
            {Precision.TWO_BIT, Precision.TWO_BIT},
            {Precision.BINARY, Precision.BINARY},
    };

    static final int MAX_DIM = 70;
    static final int MAX_K = 2100;

    @TestFactory
    List<DynamicTest> everyShapeAndPairEqualsTheOracle() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Isa isa : TestShapes.shapes()) {
            for (Precision[] pair : PAIRS) {
                tests.add(DynamicTest.dynamicTest(isa + ": " + pair[0] + " x " + pair[1],
                        () -> checkShape(isa, pair[0], pair[1])));
            }
        }
        return tests;
    }

    private static void checkShape(Isa isa, Precision pw, Precision px) {
        // (the vector shapes are compared with the scalar kernels directly, below the engine, in
        // MicroKernelPropertiesTest: comparing engines here would only compare both with the oracle)
        GemmEngine engine = GemmEngine.of(isa);
        qt().withExamples(TestShapes.examples(isa))
                .withShrinkCycles(200)
                .forAll(Generators.cases(pw, px, MAX_DIM, MAX_K))
                .checkAssert(c -> {
                    byte[] wv = c.weights();
                    byte[] xv = c.activations();
                    int[] expected = NaiveGemm.multiply(wv, xv, c.m(), c.n(), c.k());
                    PackedMatrix w = PackedMatrix.pack(pw, wv, c.m(), c.k());
                    PackedMatrix x = PackedMatrix.pack(px, xv, c.n(), c.k());
                    assertArrayEquals(expected, engine.multiply(w, x, Algorithm.FATNN),
                            () -> isa + " FATNN differs from the oracle for " + c);
                    assertArrayEquals(expected, engine.multiply(w, x, Algorithm.CONVENTIONAL),
                            () -> isa + " CONVENTIONAL differs from the oracle for " + c);
                    int[] into = new int[c.m() * c.n()];
                    engine.multiply(w, x, into);
                    assertArrayEquals(expected, into, () -> isa + " multiply(..., out) differs for " + c);
                    // activations handed over as column panels: in the engine's own lane count
                    // (read as they are) and in one it does not use (converted back to rows)
                    for (Algorithm a : Algorithm.values()) {
                        int lanes = engine.activationPanelLanes(pw, px, a, c.n());
                        for (int l : new int[] {lanes, 3}) {
                            if (l > 0) {
                                assertArrayEquals(expected, engine.multiply(w, asColumnPanels(x, l), a),
                                        () -> isa + " " + a + " on " + l + "-lane column panels differs for " + c);
                            }
                        }
                    }
                });
    }

    /** Panels are read as they are only where the product reads the activations themselves. */
    @Test
    void activationPanelLanesFollowTheProduct() {
        Precision t = Precision.TERNARY;
        Precision u = Precision.TERNARY_UNSIGNED;
        for (Isa isa : TestShapes.shapes()) {
            GemmEngine e = GemmEngine.of(isa);
            int lanes = e.activationPanelLanes(t, u, Algorithm.FATNN, 1000);
            assertEquals(isa == Isa.SCALAR, lanes == 0, () -> isa + ": " + lanes + " lanes");
            assertEquals(lanes, e.activationPanelLanes(t, Precision.TWO_BIT, Algorithm.CONVENTIONAL, 1000));
            assertEquals(lanes, e.activationPanelLanes(Precision.TWO_BIT, Precision.TWO_BIT, Algorithm.FATNN, 1000));
            assertEquals(0, e.activationPanelLanes(t, t, Algorithm.FATNN, 1000), "ternary activations are offset first");
            assertEquals(0, e.activationPanelLanes(t, u, Algorithm.CONVENTIONAL, 1000), "recoded as 2-bit first");
            if (lanes > 1) {
                assertEquals(0, e.activationPanelLanes(t, u, Algorithm.FATNN, lanes - 1), "N below one panel");
            }
            IllegalArgumentException bad = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> e.activationPanelLanes(t, u, Algorithm.FATNN, 0));
            org.junit.jupiter.api.Assertions.assertTrue(bad.getMessage().contains("rows must be at least 1, got 0"));
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> e.activationPanelLanes(u, t, Algorithm.FATNN, 10));
        }
    }

    /** The same matrix, made from column panels of {@code lanes} rows. */
    static PackedMatrix asColumnPanels(PackedMatrix x, int lanes) {
        long[] panels = io.github.trit4j.internal.kernel.ColumnPanels.pack(x.bits(), x.rows(), x.precision().planes(),
                x.wordsPerRow(), io.github.trit4j.internal.kernel.ColumnPanels.kWords(x.cols()), lanes);
        return PackedMatrix.fromColumnPanels(x.precision(), x.rows(), x.cols(), lanes, panels);
    }

    @Test
    void dispatchedEngineEqualsTheOracle() {
        for (Precision[] pair : PAIRS) {
            qt().withExamples(Math.max(20, TestShapes.EXAMPLES / 10))
                    .forAll(Generators.cases(pair[0], pair[1], MAX_DIM, MAX_K))
                    .checkAssert(c -> {
                        byte[] wv = c.weights();
                        byte[] xv = c.activations();
                        PackedMatrix w = PackedMatrix.pack(pair[0], wv, c.m(), c.k());
                        PackedMatrix x = PackedMatrix.pack(pair[1], xv, c.n(), c.k());
                        assertArrayEquals(NaiveGemm.multiply(wv, xv, c.m(), c.n(), c.k()), Gemm.multiply(w, x),
                                () -> Gemm.isa() + " (dispatched) differs for " + c);
                    });
        }
    }

    /** Each shape on every (M, N) around its 2 x 2 tile edges and K around every granule, exhaustively. */
    @TestFactory
    List<DynamicTest> everyShapeOnTileAndGranuleEdges() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Isa isa : TestShapes.shapes()) {
            tests.add(DynamicTest.dynamicTest(isa + ": M, N in 1..5, K at every boundary", () -> {
                GemmEngine engine = GemmEngine.of(isa);
                long seed = 1;
                for (Precision[] pair : PAIRS) {
                    for (int m = 1; m <= 5; m++) {
                        for (int n = 1; n <= 5; n++) {
                            for (int k : Generators.K_BOUNDARIES) {
                                GemmCase c = new GemmCase(pair[0], pair[1], m, n, k,
                                        ValuePattern.RANDOM, ValuePattern.MIXED_ROWS, seed++);
                                byte[] wv = c.weights();
                                byte[] xv = c.activations();
                                int[] expected = NaiveGemm.multiply(wv, xv, m, n, k);
                                PackedMatrix w = PackedMatrix.pack(pair[0], wv, m, k);
                                PackedMatrix x = PackedMatrix.pack(pair[1], xv, n, k);
                                for (Algorithm a : Algorithm.values()) {
                                    int[] got = engine.multiply(w, x, a);
                                    assertArrayEquals(expected, got, () -> isa + " " + a + " differs for " + c);
                                }
                            }
                        }
                    }
                }
            }));
        }
        return tests;
    }

    /**
     * Long K on small outputs: the along-K kernels' and the panel kernels' byte sums are
     * flushed every few hundred to few thousand bits of K, so K up to 20000 crosses every
     * flush boundary many times, with M and N small enough to stay cheap.
     */
    @TestFactory
    List<DynamicTest> everyShapeOnLongK() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Isa isa : TestShapes.shapes()) {
            for (Precision[] pair : PAIRS) {
                tests.add(DynamicTest.dynamicTest(isa + ": " + pair[0] + " x " + pair[1] + ", K up to 20000", () -> {
                    GemmEngine engine = GemmEngine.of(isa);
                    qt().withExamples(Math.max(10, TestShapes.examples(isa) / 10))
                            .forAll(Generators.cases(pair[0], pair[1], 9, 20000))
                            .checkAssert(c -> {
                                byte[] wv = c.weights();
                                byte[] xv = c.activations();
                                int[] expected = NaiveGemm.multiply(wv, xv, c.m(), c.n(), c.k());
                                PackedMatrix w = PackedMatrix.pack(pair[0], wv, c.m(), c.k());
                                PackedMatrix x = PackedMatrix.pack(pair[1], xv, c.n(), c.k());
                                for (Algorithm a : Algorithm.values()) {
                                    assertArrayEquals(expected, engine.multiply(w, x, a),
                                            () -> isa + " " + a + " differs for " + c);
                                }
                            });
                }));
            }
        }
        return tests;
    }

    /** The extremes of every pair at once: |dot| = K * max|w| * max|x|, for K past every flush interval. */
    @Test
    void extremeValuesReachTheFullRange() {
        for (int k : new int[] {2049, 20000}) {
            extremeValuesReachTheFullRange(k);
        }
    }

    private static void extremeValuesReachTheFullRange(int k) {
        for (Isa isa : TestShapes.shapes()) {
            GemmEngine engine = GemmEngine.of(isa);
            for (Precision[] pair : PAIRS) {
                for (ValuePattern pw : new ValuePattern[] {ValuePattern.ALL_MIN, ValuePattern.ALL_MAX}) {
                    for (ValuePattern px : new ValuePattern[] {ValuePattern.ALL_MIN, ValuePattern.ALL_MAX}) {
                        for (int n : new int[] {3, 17}) { // along-K and (for n >= lanes) panel kernels
                            GemmCase c = new GemmCase(pair[0], pair[1], 5, n, k, pw, px, 7);
                            byte[] wv = c.weights();
                            byte[] xv = c.activations();
                            PackedMatrix w = PackedMatrix.pack(pair[0], wv, 5, k);
                            PackedMatrix x = PackedMatrix.pack(pair[1], xv, n, k);
                            int expected = k * wv[0] * xv[0];
                            for (Algorithm a : Algorithm.values()) {
                                for (int v : engine.multiply(w, x, a)) {
                                    assertEquals(expected, v, () -> isa + " " + a + " " + c);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
