package io.github.trit4j.internal.kernel;

import io.github.trit4j.GemmEngine;
import io.github.trit4j.quant.ActivationQuantizer;

/**
 * The one loop that quantizes and packs a row-major float matrix into bit-plane rows, shared
 * by {@link ActivationQuantizer#pack} and the layers, which name their own parameter in the
 * NaN message ({@code input[i]}, {@code a[i]}); and the check of such a matrix's range, which
 * {@code PackedWeights.pack} shares for its float B. Internal API (the package is not exported).
 */
public final class ActivationPacking {

    private ActivationPacking() {
    }

    /**
     * Checks that {@code x[offset + r*ld + c]}, {@code r < rows, c < cols}, is a matrix inside
     * an array of {@code length} floats, in the order and words of the public packers.
     *
     * @param name   the caller's name of the array
     * @param ldName the caller's name of the leading dimension
     * @throws IllegalArgumentException naming the parameter and value: {@code rows} or
     *                                  {@code cols} below 1, {@code ld < cols}, {@code offset < 0},
     *                                  or the matrix past the array's end
     */
    public static void checkRowMajor(String name, int length, int offset, int rows, int cols, int ld, String ldName) {
        Planes.checkDimensions(rows, cols);
        if (ld < cols) {
            throw new IllegalArgumentException(ldName + " = " + ld + " must be >= cols = " + cols);
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, got " + offset);
        }
        long end = offset + (long) (rows - 1) * ld + cols;
        if (end > length) {
            throw new IllegalArgumentException(name + ".length is " + length + " but offset + (rows - 1) * " + ldName
                    + " + cols = " + end);
        }
    }

    /**
     * Rows {@code r < rows} of {@code x[offset + r*ld + c]}, {@code c < cols}, as codes of
     * {@code q}, packed with {@code engine}'s shape; the range must have been checked. The planes
     * are the quantizer's own codes with pads never written, so the caller may wrap them unchecked.
     *
     * @param name the caller's name of {@code x}, for the NaN message
     * @throws IllegalArgumentException naming {@code name[i]} if {@code x[i]} is NaN
     */
    public static Operand pack(ActivationQuantizer q, GemmEngine engine, float[] x, int offset, int rows, int cols, int ld,
                                    String name) {
        int words = Planes.wordsPerRow(cols);
        long size = (long) rows * 2 * words;
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("packing " + rows + " rows of " + cols + " " + name + " values needs "
                    + size + " longs, more than a Java array holds");
        }
        long[] bits = new long[(int) size];
        for (int r = 0; r < rows; r++) {
            int base = r * 2 * words;
            int nan = q.packPlanes(engine, x, offset + r * ld, cols, bits, base, bits, base + words, 1);
            if (nan >= 0) {
                throw new IllegalArgumentException(name + "[" + nan + "] is NaN");
            }
        }
        return Operand.ofRows(q.precision(), rows, cols, bits);
    }
}
