package io.github.trit4j;

import io.github.trit4j.testkit.CodeSet;
import io.github.trit4j.testkit.GemmCase;
import io.github.trit4j.testkit.Generators;
import io.github.trit4j.testkit.ValuePattern;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/** Packing is lossless and its pack-time constants are right. */
class PackingPropertiesTest {

    private static Gen<GemmCase> matrices() {
        Gen<CodeSet> precisions = Generate.enumValues(CodeSet.class);
        Gen<ValuePattern> patterns = Generate.enumValues(ValuePattern.class);
        return precisions.zip(Generators.dims(40), Generators.ks(2100), patterns,
                        (p, rows, cols, pattern) -> new GemmCase(p, p, rows, 1, cols, pattern, pattern, 0))
                .zip(longs().all(), (c, seed) -> new GemmCase(c.weightCodes(), c.activationCodes(),
                        c.m(), 1, c.k(), c.weightPattern(), c.activationPattern(), seed))
                .describedAs(GemmCase::toString);
    }

    @Test
    void unpackInvertsPack() {
        qt().withExamples(TestShapes.EXAMPLES).forAll(matrices()).checkAssert(c -> {
            byte[] values = c.weights();
            PackedMatrix packed = PackedMatrix.pack(KitAdapters.precision(c.weightCodes()), values, c.m(), c.k());
            assertArrayEquals(values, packed.unpack(), c::toString);
            assertEquals(c.m(), packed.rows());
            assertEquals(c.k(), packed.cols());
            assertEquals(KitAdapters.precision(c.weightCodes()), packed.precision());
            assertEquals(0, packed.wordsPerRow() % (PackedMatrix.K_GRANULE_BITS / 64));
            assertEquals(true, packed.wordsPerRow() * 64L >= c.k());
            for (int r = 0; r < c.m(); r++) {
                int sum = 0;
                for (int col = 0; col < c.k(); col++) {
                    sum += values[r * c.k() + col];
                }
                assertEquals(sum, packed.rowSum(r), c::toString);
            }
        });
    }

    /**
     * The row constants the epilogues add (sums, negatives, non-zeros), of a packed matrix, of
     * one whose constants are counted from its planes (fromBitPlanes), and of the derived
     * views the kernels read (offset thermometer, 2-bit codes), against a count over the values.
     */
    @Test
    void rowConstantsEqualAnIndependentCount() {
        qt().withExamples(TestShapes.EXAMPLES).forAll(matrices()).checkAssert(c -> {
            Precision p = KitAdapters.precision(c.weightCodes());
            byte[] values = c.weights();
            PackedMatrix packed = PackedMatrix.pack(p, values, c.m(), c.k());
            PackedMatrix counted = PackedMatrix.fromBitPlanes(p, c.m(), c.k(), packed.bits().clone());
            for (PackedMatrix m : new PackedMatrix[] {packed, counted}) {
                assertRowConstants(values, 0, c.m(), c.k(), m, c + " " + (m == packed ? "packed" : "counted"));
            }
            if (p == Precision.TERNARY) {
                assertRowConstants(values, 1, c.m(), c.k(), packed.offsetThermometer(), c + " offset thermometer");
                assertRowConstants(values, 1, c.m(), c.k(), packed.twoBitCodes(), c + " 2-bit codes");
            } else if (p == Precision.TERNARY_UNSIGNED) {
                assertRowConstants(values, 0, c.m(), c.k(), packed.twoBitCodes(), c + " 2-bit codes");
            }
        });
    }

    /** Row constants of {@code m} against those of {@code values[i] + offset}, counted one by one. */
    private static void assertRowConstants(byte[] values, int offset, int rows, int cols, PackedMatrix m,
                                           String what) {
        int[] sums = new int[rows];
        int[] negatives = new int[rows];
        int[] nonZeros = new int[rows];
        for (int r = 0; r < rows; r++) {
            for (int col = 0; col < cols; col++) {
                int v = values[r * cols + col] + offset;
                sums[r] += v;
                negatives[r] += v < 0 ? 1 : 0;
                nonZeros[r] += v != 0 ? 1 : 0;
            }
        }
        assertArrayEquals(sums, m.rowSums(), () -> what + ": row sums");
        assertArrayEquals(negatives, m.negatives(), () -> what + ": negatives");
        assertArrayEquals(nonZeros, m.nonZeros(), () -> what + ": non-zeros");
    }

    /** The bits past K stay zero, which the kernels rely on (docs/DESIGN.md, Padding). */
    @Test
    void padsAreZeroBits() {
        qt().withExamples(TestShapes.EXAMPLES).forAll(matrices()).checkAssert(c -> {
            PackedMatrix packed = PackedMatrix.pack(KitAdapters.precision(c.weightCodes()), c.weights(), c.m(), c.k());
            long[] bits = packed.bits();
            int words = packed.wordsPerRow();
            for (int r = 0; r < c.m(); r++) {
                for (int p = 0; p < KitAdapters.precision(c.weightCodes()).planes(); p++) {
                    int base = (r * KitAdapters.precision(c.weightCodes()).planes() + p) * words;
                    for (int bit = c.k(); bit < words * 64; bit++) {
                        long word = bits[base + bit / 64];
                        assertEquals(0, (word >>> (bit % 64)) & 1, () -> c + ": pad bit set");
                    }
                }
            }
        });
    }

    /** A matrix rebuilt from its own planes is the same matrix, constants included. */
    @Test
    void fromBitPlanesAgreesWithPack() {
        qt().withExamples(TestShapes.EXAMPLES).forAll(matrices()).checkAssert(c -> {
            byte[] values = c.weights();
            PackedMatrix packed = PackedMatrix.pack(KitAdapters.precision(c.weightCodes()), values, c.m(), c.k());
            PackedMatrix wrapped = PackedMatrix.fromBitPlanes(KitAdapters.precision(c.weightCodes()), c.m(), c.k(), packed.bits().clone());
            assertArrayEquals(values, wrapped.unpack(), c::toString);
            assertArrayEquals(packed.rowSums(), wrapped.rowSums(), c::toString);
            assertArrayEquals(packed.negatives(), wrapped.negatives(), c::toString);
            assertArrayEquals(packed.nonZeros(), wrapped.nonZeros(), c::toString);
        });
    }

    @Test
    void fromBitPlanesRejectsWhatEncodesNoValue() {
        int words = PackedMatrix.wordsPerRowFor(70);
        long[] pad = new long[2 * words];
        pad[1] = 1L << 10; // bit 74 of plane 0: past K = 70
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PackedMatrix.fromBitPlanes(Precision.TERNARY, 1, 70, pad));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("pad bits"), e.getMessage());
        long[] signWithoutMask = new long[2 * words];
        signWithoutMask[words] = 1; // s set, m not
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PackedMatrix.fromBitPlanes(Precision.TERNARY, 1, 70, signWithoutMask));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("row 0, word 0"), e.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PackedMatrix.fromBitPlanes(Precision.TERNARY_UNSIGNED, 1, 70, signWithoutMask));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PackedMatrix.fromBitPlanes(Precision.TERNARY, 1, 70, new long[3]));
        org.junit.jupiter.api.Assertions.assertThrows(NullPointerException.class,
                () -> PackedMatrix.fromBitPlanes(Precision.TERNARY, 1, 70, null));
    }

    /** A matrix made from column panels (any lane count) is the same matrix, constants included. */
    @Test
    void fromColumnPanelsAgreesWithPack() {
        qt().withExamples(TestShapes.EXAMPLES).forAll(matrices(), integers().between(1, 17)).checkAssert((c, lanes) -> {
            byte[] values = c.weights();
            PackedMatrix packed = PackedMatrix.pack(KitAdapters.precision(c.weightCodes()), values, c.m(), c.k());
            PackedMatrix panelled = GemmPropertiesTest.asColumnPanels(packed, lanes);
            assertArrayEquals(values, panelled.unpack(), () -> c + " lanes=" + lanes);
            assertArrayEquals(packed.bits(), panelled.bits(), () -> c + " lanes=" + lanes);
            assertArrayEquals(packed.rowSums(), panelled.rowSums(), () -> c + " lanes=" + lanes);
            assertArrayEquals(packed.negatives(), panelled.negatives(), () -> c + " lanes=" + lanes);
            assertArrayEquals(packed.nonZeros(), panelled.nonZeros(), () -> c + " lanes=" + lanes);
        });
    }

    @Test
    void fromColumnPanelsRejectsWhatEncodesNoValue() {
        // 5 rows, K = 70 (2 words), 4 lanes: 2 panels, the second with 3 unused lanes
        int size = 2 * 2 * 2 * 4;
        long[] pad = new long[size];
        pad[(0 * 2 + 1) * 2 * 4 + 1] = 1L << 10; // panel 0, word 1, plane 0, lane 1: bit 74, past K
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PackedMatrix.fromColumnPanels(Precision.TERNARY, 5, 70, 4, pad));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("pad bits past K = 70 are set in row 1 (lane 1), word 1"),
                e.getMessage());
        long[] orphan = new long[size];
        orphan[(1 * 2 + 0) * 2 * 4 + 4] = 1; // panel 1, word 0, plane 1, lane 0: s without m
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PackedMatrix.fromColumnPanels(Precision.TERNARY_UNSIGNED, 5, 70, 4, orphan));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("row 4 (lane 0), word 0: plane 1"),
                e.getMessage());
        long[] pastLastRow = new long[size];
        pastLastRow[(1 * 2 + 0) * 2 * 4 + 2] = 1; // panel 1, lane 2 = row 6 of 5
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PackedMatrix.fromColumnPanels(Precision.TWO_BIT, 5, 70, 4, pastLastRow));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("lanes past the last row of the last panel (rows 4..7)"),
                e.getMessage());
        PackedMatrix.fromColumnPanels(Precision.TWO_BIT, 5, 70, 4, orphan); // any two bits are a 2-bit code
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PackedMatrix.fromColumnPanels(Precision.TERNARY, 5, 70, 4, new long[size - 1]));
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PackedMatrix.fromColumnPanels(Precision.TERNARY, 5, 70, 0, new long[size]));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("lanes must be at least 1, got 0"),
                e.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(NullPointerException.class,
                () -> PackedMatrix.fromColumnPanels(Precision.TERNARY, 5, 70, 4, null));
    }
}
