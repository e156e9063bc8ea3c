package io.github.trit4j;

import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/** Packing is lossless and its pack-time constants are right. */
class PackingPropertiesTest {

    private static Gen<GemmCase> matrices() {
        Gen<Precision> precisions = Generate.enumValues(Precision.class);
        Gen<ValuePattern> patterns = Generate.enumValues(ValuePattern.class);
        return precisions.zip(Generators.dims(40), Generators.ks(2100), patterns,
                        (p, rows, cols, pattern) -> new GemmCase(p, p, rows, 1, cols, pattern, pattern, 0))
                .zip(longs().all(), (c, seed) -> new GemmCase(c.weightPrecision(), c.activationPrecision(),
                        c.m(), 1, c.k(), c.weightPattern(), c.activationPattern(), seed))
                .describedAs(GemmCase::toString);
    }

    @Test
    void unpackInvertsPack() {
        qt().withExamples(TestShapes.EXAMPLES).forAll(matrices()).checkAssert(c -> {
            byte[] values = c.weights();
            PackedMatrix packed = PackedMatrix.pack(c.weightPrecision(), values, c.m(), c.k());
            assertArrayEquals(values, packed.unpack(), c::toString);
            assertEquals(c.m(), packed.rows());
            assertEquals(c.k(), packed.cols());
            assertEquals(c.weightPrecision(), packed.precision());
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

    /** The bits past K stay zero, which the kernels rely on (DESIGN.md section 2, padding). */
    @Test
    void padsAreZeroBits() {
        qt().withExamples(TestShapes.EXAMPLES).forAll(matrices()).checkAssert(c -> {
            PackedMatrix packed = PackedMatrix.pack(c.weightPrecision(), c.weights(), c.m(), c.k());
            long[] bits = packed.bits();
            int words = packed.wordsPerRow();
            for (int r = 0; r < c.m(); r++) {
                for (int p = 0; p < c.weightPrecision().planes(); p++) {
                    int base = (r * c.weightPrecision().planes() + p) * words;
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
            PackedMatrix packed = PackedMatrix.pack(c.weightPrecision(), values, c.m(), c.k());
            PackedMatrix wrapped = PackedMatrix.fromBitPlanes(c.weightPrecision(), c.m(), c.k(), packed.bits().clone());
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
}
