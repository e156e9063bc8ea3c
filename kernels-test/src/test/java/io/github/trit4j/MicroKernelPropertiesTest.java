package io.github.trit4j;

import io.github.trit4j.internal.kernel.BitKernels;
import io.github.trit4j.internal.kernel.ColumnPanels;
import io.github.trit4j.internal.kernel.Epilogue;
import io.github.trit4j.internal.kernel.Kernel;
import io.github.trit4j.internal.kernel.KernelProvider;
import io.github.trit4j.testkit.GemmCase;
import io.github.trit4j.testkit.NaiveGemm;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;

/**
 * Every vector shape's micro-kernels against the scalar ones, directly, below the engine:
 * one micro-tile's raw sums, the along-K tile loops and the panel kernels on a random
 * sub-block of the output (the rest of which must stay untouched), each with the kernel's
 * epilogue on random row and column terms, for every {@link Kernel}. The oracle tests go
 * through {@link GemmEngine}, which always asks for whole products with the true terms.
 */
class MicroKernelPropertiesTest {

    private static final int SENTINEL = 0x5EED5EED;

    @TestFactory
    List<DynamicTest> vectorKernelsEqualTheScalarKernels() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Isa isa : TestShapes.shapes()) {
            if (!isa.needsVectorModule()) {
                continue;
            }
            for (Kernel kernel : Kernel.values()) {
                tests.add(DynamicTest.dynamicTest(isa + ": " + kernel, () -> check(isa, kernel)));
            }
        }
        return tests;
    }

    /** The precisions whose packed operands the kernel reads, before any view (weights, activations). */
    static Precision[] pair(Kernel kernel) {
        return switch (kernel) {
            case FATNN, CONVENTIONAL_UNSIGNED -> new Precision[] {Precision.TERNARY, Precision.TERNARY_UNSIGNED};
            case TERNARY_TWO_BIT -> new Precision[] {Precision.TERNARY, Precision.TWO_BIT};
            case TERNARY_TERNARY, CONVENTIONAL_TERNARY -> new Precision[] {Precision.TERNARY, Precision.TERNARY};
            case TWO_BIT -> new Precision[] {Precision.TWO_BIT, Precision.TWO_BIT};
            case BINARY -> new Precision[] {Precision.BINARY, Precision.BINARY};
        };
    }

    private static PackedMatrix weightOperand(Kernel kernel, PackedMatrix w) {
        return kernel.sum() == Kernel.Sum.TWO_BIT ? w.twoBitCodes() : w;
    }

    private static PackedMatrix activationOperand(Kernel kernel, PackedMatrix x) {
        return switch (kernel) {
            case CONVENTIONAL_UNSIGNED, CONVENTIONAL_TERNARY -> x.twoBitCodes();
            case TERNARY_TERNARY -> x.offsetThermometer();
            default -> x;
        };
    }

    private static void check(Isa isa, Kernel kernel) {
        BitKernels vector = KernelProvider.create(isa);
        BitKernels scalar = KernelProvider.create(Isa.SCALAR);
        Precision[] pair = pair(kernel);
        qt().withExamples(Math.max(10, TestShapes.examples(isa) / 6))
                .withShrinkCycles(100)
                .forAll(KitAdapters.gemmCases(pair, 40, GemmPropertiesTest.MAX_K))
                .checkAssert(c -> {
                    PackedMatrix w = weightOperand(kernel, PackedMatrix.pack(pair[0], c.weights(), c.m(), c.k()));
                    PackedMatrix x = activationOperand(kernel, PackedMatrix.pack(pair[1], c.activations(), c.n(), c.k()));
                    SplittableRandom rnd = new SplittableRandom(c.seed() * 31 + 7);
                    int m = c.m();
                    int n = c.n();
                    int words = w.wordsPerRow();
                    Epilogue e = kernel.epilogue(c.k(), terms(rnd, m), terms(rnd, n));
                    microTile(vector, scalar, kernel, w, x, rnd, c);

                    int i0 = rnd.nextInt(m);
                    int i1 = i0 + 1 + rnd.nextInt(m - i0);
                    int j0 = rnd.nextInt(n);
                    int j1 = j0 + 1 + rnd.nextInt(n - j0);
                    int[] expected = sentinels(m * n);
                    scalar.alongK(kernel, w.bits(), x.bits(), words, i0, i1, j0, j1, e, expected, n, 0);
                    int[] actual = sentinels(m * n);
                    vector.alongK(kernel, w.bits(), x.bits(), words, i0, i1, j0, j1, e, actual, n, 0);
                    assertArrayEquals(expected, actual, () -> isa + " " + kernel + " along K, rows [" + i0 + ", "
                            + i1 + ") columns [" + j0 + ", " + j1 + ") for " + c);
                    // the same rows into a buffer of those rows alone (row origin i0), as a fused product writes them
                    int[] rowsOnly = sentinels((i1 - i0) * n);
                    vector.alongK(kernel, w.bits(), x.bits(), words, i0, i1, j0, j1, e, rowsOnly, n, i0);
                    assertArrayEquals(Arrays.copyOfRange(expected, i0 * n, i1 * n), rowsOnly, () -> isa + " "
                            + kernel + " along K from row origin " + i0 + " for " + c);

                    int lanes = vector.panelLanes();
                    if (lanes > 0 && vector.hasPanels(kernel.sum())) {
                        int kWords = ColumnPanels.kWords(c.k());
                        long[] xp = ColumnPanels.pack(x.bits(), n, kernel.sum().planes(), words, kWords, lanes);
                        int panels = (n + lanes - 1) / lanes;
                        int p0 = rnd.nextInt(panels);
                        int p1 = p0 + 1 + rnd.nextInt(panels - p0);
                        int[] expectedPanels = sentinels(m * n);
                        scalar.alongK(kernel, w.bits(), x.bits(), words, i0, i1, p0 * lanes,
                                Math.min(n, p1 * lanes), e, expectedPanels, n, 0);
                        int[] actualPanels = sentinels(m * n);
                        vector.panels(kernel, w.bits(), words, xp, kWords, i0, i1, p0, p1, e, actualPanels, n, 0);
                        assertArrayEquals(expectedPanels, actualPanels, () -> isa + " " + kernel + " on panels, rows ["
                                + i0 + ", " + i1 + ") panels [" + p0 + ", " + p1 + ") of " + lanes + " for " + c);
                        int[] panelRows = sentinels((i1 - i0) * n);
                        vector.panels(kernel, w.bits(), words, xp, kWords, i0, i1, p0, p1, e, panelRows, n, i0);
                        assertArrayEquals(Arrays.copyOfRange(expectedPanels, i0 * n, i1 * n), panelRows, () -> isa
                                + " " + kernel + " on panels from row origin " + i0 + " for " + c);
                    }
                });
    }

    /**
     * The panel kernels at the carry-save edges, which random K rarely hits: K around the flush of the
     * weight-4 (or weight-8) byte counts every 62 words (3968 bits) and its multiples, odd and even word
     * counts (FATNN starts an odd count from word 0, outside the pairs), with random
     * operands and with the operands that make every sum its largest (each byte counter full), on an
     * odd number of rows and N one past a whole number of panels.
     */
    @TestFactory
    List<DynamicTest> panelKernelsAtCarrySaveFlushes() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Isa isa : TestShapes.shapes()) {
            if (!isa.needsVectorModule()) {
                continue;
            }
            for (Kernel kernel : List.of(Kernel.FATNN, Kernel.TERNARY_TWO_BIT, Kernel.TERNARY_TERNARY)) {
                tests.add(DynamicTest.dynamicTest(isa + ": " + kernel, () -> {
                    for (int k : new int[] {3903, 3904, 3905, 3967, 3968, 3969, 4031, 4032, 4033, 4096, 4097, 4161,
                                            7936, 7937}) {
                        for (int pattern = 0; pattern < 3; pattern++) {
                            checkPanels(isa, kernel, k, pattern);
                        }
                    }
                }));
            }
        }
        return tests;
    }

    /** Pattern 0: random values; 1: every value the precision's minimum; 2: every value its maximum. */
    private static void checkPanels(Isa isa, Kernel kernel, int k, int pattern) {
        BitKernels vector = KernelProvider.create(isa);
        BitKernels scalar = KernelProvider.create(Isa.SCALAR);
        int lanes = vector.panelLanes();
        if (lanes == 0 || !vector.hasPanels(kernel.sum())) {
            return;
        }
        Precision[] pair = pair(kernel);
        int m = 3;
        int n = 2 * lanes + 1;
        SplittableRandom rnd = new SplittableRandom(k * 7L + pattern);
        PackedMatrix w = weightOperand(kernel, PackedMatrix.pack(pair[0], values(rnd, pair[0], m * k, pattern), m, k));
        PackedMatrix x = activationOperand(kernel, PackedMatrix.pack(pair[1], values(rnd, pair[1], n * k, pattern), n, k));
        int words = w.wordsPerRow();
        Epilogue e = kernel.epilogue(k, terms(rnd, m), terms(rnd, n));
        int kWords = ColumnPanels.kWords(k);
        long[] xp = ColumnPanels.pack(x.bits(), n, kernel.sum().planes(), words, kWords, lanes);
        int panels = (n + lanes - 1) / lanes;
        int[] expected = sentinels(m * n);
        scalar.alongK(kernel, w.bits(), x.bits(), words, 0, m, 0, n, e, expected, n, 0);
        int[] actual = sentinels(m * n);
        vector.panels(kernel, w.bits(), words, xp, kWords, 0, m, 0, panels, e, actual, n, 0);
        assertArrayEquals(expected, actual, () -> isa + " " + kernel + " on panels, K = " + k + ", pattern " + pattern);
    }

    private static byte[] values(SplittableRandom rnd, Precision precision, int count, int pattern) {
        byte[] v = new byte[count];
        for (int i = 0; i < count; i++) {
            v[i] = (byte) switch (pattern) {
                case 1 -> precision.min();
                case 2 -> precision.max();
                default -> rnd.nextInt(precision.min(), precision.max() + 1);
            };
        }
        return v;
    }

    /** One along-K micro-tile on random rows (repeats allowed) and a random column: the same sums. */
    private static void microTile(BitKernels vector, BitKernels scalar, Kernel kernel, PackedMatrix w,
                                  PackedMatrix x, SplittableRandom rnd, GemmCase c) {
        int words = w.wordsPerRow();
        int stride = kernel.sum().planes() * words;
        int[] rows = {rnd.nextInt(c.m()), rnd.nextInt(c.m()), rnd.nextInt(c.m()), rnd.nextInt(c.m())};
        int j = rnd.nextInt(c.n());
        long[] expected = sums(scalar, kernel, w.bits(), rows, stride, x.bits(), j * stride, words);
        long[] actual = sums(vector, kernel, w.bits(), rows, stride, x.bits(), j * stride, words);
        assertArrayEquals(expected, actual, () -> vector.isa() + " " + kernel + " micro-tile rows "
                + Arrays.toString(rows) + " column " + j + " for " + c);
    }

    /** The four sums {@code raw[r] + (raw[4 + r] << highShift)} of one micro-tile. */
    private static long[] sums(BitKernels k, Kernel kernel, long[] w, int[] rows, int stride, long[] x, int xj,
                               int words) {
        long[] raw = new long[2 * BitKernels.ALONG_K_ROWS];
        byte[] bytes = new byte[256];
        int w0 = rows[0] * stride;
        int w1 = rows[1] * stride;
        int w2 = rows[2] * stride;
        int w3 = rows[3] * stride;
        switch (kernel.sum()) {
            case THERMOMETER, TERNARY_TWO_BIT -> k.ternaryAlongK(w, w0, w1, w2, w3, x, xj, words, raw, bytes);
            case TWO_BIT -> k.twoBitAlongK(w, w0, w1, w2, w3, x, xj, words, raw, bytes);
            case BINARY -> k.binaryAlongK(w, w0, w1, w2, w3, x, xj, words, raw, bytes);
        }
        long[] sums = new long[BitKernels.ALONG_K_ROWS];
        for (int r = 0; r < sums.length; r++) {
            sums[r] = raw[r] + (raw[4 + r] << kernel.sum().highShift());
        }
        return sums;
    }

    private static int[] terms(SplittableRandom rnd, int count) {
        int[] t = new int[count];
        for (int i = 0; i < count; i++) {
            t[i] = rnd.nextInt(-5000, 5001);
        }
        return t;
    }

    private static int[] sentinels(int length) {
        int[] a = new int[length];
        Arrays.fill(a, SENTINEL);
        return a;
    }

    /** The scalar micro-kernels against the oracle, so that "equals the scalar kernels" means "is right". */
    @Test
    void scalarKernelsEqualTheOracle() {
        for (Kernel kernel : Kernel.values()) {
            Precision[] pair = pair(kernel);
            qt().withExamples(Math.max(20, TestShapes.EXAMPLES / 10))
                    .forAll(KitAdapters.gemmCases(pair, 20, GemmPropertiesTest.MAX_K))
                    .checkAssert(c -> {
                        byte[] wv = c.weights();
                        byte[] xv = c.activations();
                        PackedMatrix wp = PackedMatrix.pack(pair[0], wv, c.m(), c.k());
                        PackedMatrix xp = PackedMatrix.pack(pair[1], xv, c.n(), c.k());
                        PackedMatrix w = weightOperand(kernel, wp);
                        PackedMatrix x = activationOperand(kernel, xp);
                        Epilogue e = kernel.epilogue(c.k(), term(kernel.weightTerm(), wp),
                                term(kernel.activationTerm(), xp));
                        int[] out = new int[c.m() * c.n()];
                        KernelProvider.create(Isa.SCALAR).alongK(kernel, w.bits(), x.bits(), w.wordsPerRow(),
                                0, c.m(), 0, c.n(), e, out, c.n(), 0);
                        assertArrayEquals(NaiveGemm.multiply(wv, xv, c.m(), c.n(), c.k()), out,
                                () -> "scalar " + kernel + " for " + c);
                    });
        }
    }

    private static int[] term(Kernel.Term term, PackedMatrix m) {
        return switch (term) {
            case NONE -> null;
            case NEGATIVES -> m.negatives();
            case NON_ZEROS -> m.nonZeros();
            case ROW_SUMS -> m.rowSums();
        };
    }

    /** Each kernel reads the planes its sum says. */
    @Test
    void kernelsReadTheirSumsPlanes() {
        for (Kernel kernel : Kernel.values()) {
            Precision[] pair = pair(kernel);
            PackedMatrix w = weightOperand(kernel, PackedMatrix.pack(pair[0], new byte[] {1}, 1, 1));
            assertEquals(kernel.sum().planes(), w.precision().planes(), kernel::toString);
        }
    }
}
