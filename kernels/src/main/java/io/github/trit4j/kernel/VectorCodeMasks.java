package io.github.trit4j.kernel;

import io.github.trit4j.Precision;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link CodeMasks} on the Vector API: a code's plane bit is one bit (or bit group) of its
 * byte, so a masked compare of a whole vector of codes gives a lane mask, and
 * {@code VectorMask.toLong()} is already the packed word ({@code vptestmb} + {@code kmovq} on
 * AVX-512, {@code vpmovmskb} on AVX2). The JIT's preferred width serves every kernel shape:
 * the masks are the same for any width. Loaded only through reflection by
 * {@link KernelProvider}, never in a JVM without the vector module.
 */
public final class VectorCodeMasks implements CodeMasks {

    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_PREFERRED;
    private static final int LANES = B.length();

    static {
        if (64 % LANES != 0) {
            throw new AssertionError("byte species of " + LANES + " lanes does not divide 64");
        }
    }

    @Override
    public void masks(byte[] src, int off, int len, Precision precision, long[] d0, int o0, long[] d1, int o1,
                      int stride) {
        // plane bit = (code & k) != 0 for valid codes: {0,1,2}: a = any bit, b = bit 1;
        // 2-bit: bit 0, bit 1; ternary {0,1,-1}: m = any bit, s = sign; binary: sign
        byte k0;
        byte k1;
        switch (precision) {
            case TERNARY_UNSIGNED -> { k0 = -1; k1 = 2; }
            case TWO_BIT -> { k0 = 1; k1 = 2; }
            case TERNARY -> { k0 = -1; k1 = (byte) 0x80; }
            case BINARY -> { k0 = (byte) 0x80; k1 = 0; }
            default -> throw new AssertionError(precision);
        }
        boolean two = precision.planes() == 2;
        int groups = len >>> 6;
        for (int g = 0; g < groups; g++) {
            long w0 = 0;
            long w1 = 0;
            int base = off + (g << 6);
            for (int part = 0; part < 64; part += LANES) {
                ByteVector v = ByteVector.fromArray(B, src, base + part);
                w0 |= v.and(k0).compare(VectorOperators.NE, 0).toLong() << part;
                w1 |= v.and(k1).compare(VectorOperators.NE, 0).toLong() << part;
            }
            d0[o0 + g * stride] = w0;
            if (two) {
                d1[o1 + g * stride] = w1;
            }
        }
        if ((len & 63) != 0) {
            ScalarCodeMasks.masksFrom(groups, src, off, len, precision, d0, o0, d1, o1, stride);
        }
    }
}
