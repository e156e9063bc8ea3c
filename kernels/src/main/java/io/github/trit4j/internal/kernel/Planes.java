package io.github.trit4j.internal.kernel;

import io.github.trit4j.Precision;

/**
 * What a packed matrix is: its value set, its size, and its bit-planes in one or both of the
 * two layouts the kernels read. Immutable; the arrays are never written once a record holds
 * them (except by the owner of a reused operand, see {@link Operand#rewritten}). The public
 * {@code PackedMatrix} is a handle over an {@link Operand}, which adds what is derived from
 * these planes; this class holds the layout rules and the checks of planes written by others.
 *
 * <p>Row layout ({@code bits}): row {@code r}, plane {@code p} occupies {@link #wordsPerRow}
 * consecutive longs from {@code (r * planes + p) * wordsPerRow}; value {@code k} is bit
 * {@code k % 64} of word {@code k / 64}; rows are padded with zero bits to a multiple of
 * {@link #K_GRANULE_BITS}. Column panels ({@code panels}, {@code lanes} rows per panel): see
 * {@link ColumnPanels}. Internal API (the package is not exported).
 *
 * @param precision the value set
 * @param rows      number of rows, at least 1
 * @param cols      K, at least 1
 * @param bits      the row layout, or null if the matrix was made from column panels
 * @param lanes     rows per column panel, or 0 if there are no panels
 * @param panels    the column panels, or null
 */
public record Planes(Precision precision, int rows, int cols, long[] bits, int lanes, long[] panels) {

    /** Rows are padded to a multiple of this many bits (one 512-bit vector). */
    public static final int K_GRANULE_BITS = 512;

    private static final int WORDS_PER_GRANULE = K_GRANULE_BITS / 64;

    /** Longs per plane per row of the row layout. */
    public int wordsPerRow() {
        return wordsPerRow(cols);
    }

    /** {@code cols} rounded up to {@link #K_GRANULE_BITS} bits, in longs; {@code cols} must be positive. */
    public static int wordsPerRow(int cols) {
        return (int) (((long) cols + K_GRANULE_BITS - 1) / K_GRANULE_BITS) * WORDS_PER_GRANULE;
    }

    /** Mask of the bits of word {@code w} inside K; in long, as near K = 2^31 the first bit past K is past int. */
    public static long validBits(int w, int cols) {
        long from = w * 64L;
        if (from + 64 <= cols) {
            return -1L;
        }
        if (from >= cols) {
            return 0L;
        }
        return (1L << (cols - from)) - 1;
    }

    /**
     * Rejects a non-positive size.
     *
     * @throws IllegalArgumentException naming {@code rows} or {@code cols}
     */
    public static void checkDimensions(int rows, int cols) {
        if (rows <= 0) {
            throw new IllegalArgumentException("rows must be at least 1, got " + rows);
        }
        if (cols <= 0) {
            throw new IllegalArgumentException("cols must be at least 1, got " + cols);
        }
    }

    /**
     * The length of a row layout, if it fits a Java array.
     *
     * @throws IllegalArgumentException naming the size otherwise
     */
    public static int allocationSize(int rows, int planes, int words) {
        long size = (long) rows * planes * words;
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("packed size " + size + " longs for " + rows + " rows of "
                    + words + " words x " + planes + " planes exceeds a Java array");
        }
        return (int) size;
    }

    /**
     * Checks planes written by someone else in the row layout: length, no bit past K, and
     * (thermometer precisions) no plane-1 bit without its plane-0 bit. Single passes of ORs.
     *
     * @throws IllegalArgumentException naming the length, or the row and word of the first bad bit
     */
    public static void checkRows(Precision precision, int rows, int cols, long[] bits) {
        checkDimensions(rows, cols);
        int words = wordsPerRow(cols);
        int planes = precision.planes();
        int expected = allocationSize(rows, planes, words);
        if (bits.length != expected) {
            throw new IllegalArgumentException("bits.length is " + bits.length + " but " + rows + " rows x "
                    + planes + " planes x " + words + " words = " + expected);
        }
        int kWords = ColumnPanels.kWords(cols);
        long lastValid = validBits(kWords - 1, cols);
        boolean thermometer = thermometer(precision);
        for (int r = 0; r < rows; r++) {
            int base = r * planes * words;
            long pad = 0;
            long orphan = 0;
            for (int q = 0; q < planes; q++) {
                int b = base + q * words;
                pad |= bits[b + kWords - 1] & ~lastValid;
                for (int w = kWords; w < words; w++) {
                    pad |= bits[b + w];
                }
            }
            if (thermometer) {
                for (int w = 0; w < kWords; w++) {
                    orphan |= bits[base + words + w] & ~bits[base + w];
                }
            }
            if ((pad | orphan) != 0) {
                throw badPlanes(precision, cols, r, 1, bits, base, words, 1);
            }
        }
    }

    /**
     * Checks column panels written by someone else: length, no bit past K or past the last
     * row, and the thermometer rule as {@link #checkRows}.
     *
     * @throws IllegalArgumentException naming {@code lanes}, the length, or the panel and word
     *                                  of the first bad bit
     */
    public static void checkPanels(Precision precision, int rows, int cols, int lanes, long[] panels) {
        checkDimensions(rows, cols);
        if (lanes < 1) {
            throw new IllegalArgumentException("lanes must be at least 1, got " + lanes);
        }
        int planes = precision.planes();
        int kWords = ColumnPanels.kWords(cols);
        int panelCount = (int) (((long) rows + lanes - 1) / lanes);
        long expected = (long) panelCount * kWords * planes * lanes;
        if (panels.length != expected) {
            throw new IllegalArgumentException("panels.length is " + panels.length + " but " + panelCount
                    + " panels x " + kWords + " words x " + planes + " planes x " + lanes + " lanes = " + expected);
        }
        long lastValid = validBits(kWords - 1, cols);
        boolean thermometer = thermometer(precision);
        int block = planes * lanes;
        int tailLanes = panelCount * lanes - rows; // unused lanes of the last panel
        for (int p = 0; p < panelCount; p++) {
            int base = p * kWords * block;
            long bad = 0;
            int last = base + (kWords - 1) * block;
            for (int i = 0; i < block; i++) {
                bad |= panels[last + i] & ~lastValid;
            }
            if (thermometer) {
                for (int k = 0; k < kWords; k++) {
                    int b = base + k * block;
                    for (int lane = 0; lane < lanes; lane++) {
                        bad |= panels[b + lanes + lane] & ~panels[b + lane];
                    }
                }
            }
            if (p == panelCount - 1 && tailLanes > 0) {
                for (int k = 0; k < kWords; k++) {
                    for (int q = 0; q < planes; q++) {
                        int b = base + k * block + q * lanes;
                        for (int lane = lanes - tailLanes; lane < lanes; lane++) {
                            bad |= panels[b + lane];
                        }
                    }
                }
            }
            if (bad != 0) {
                throw badPlanes(precision, cols, p * lanes, lanes, panels, base, lanes, block);
            }
        }
    }

    /** Precisions whose plane 1 may only be set where plane 0 is (m, s and a, b). */
    private static boolean thermometer(Precision precision) {
        return precision == Precision.TERNARY || precision == Precision.TERNARY_UNSIGNED;
    }

    /**
     * The message for planes that failed a check: names the row and word of the first bit
     * past K, or of the first word whose plane 1 has a bit that plane 0 lacks. Rows
     * {@code firstRow + lane} for {@code lane < lanes}; word k of plane q of a lane at
     * {@code base + lane + q*planeStride + k*wordStride}.
     */
    private static IllegalArgumentException badPlanes(Precision precision, int cols, int firstRow, int lanes,
                                                      long[] a, int base, int planeStride, int wordStride) {
        int kWords = ColumnPanels.kWords(cols);
        long lastValid = validBits(kWords - 1, cols);
        int planes = precision.planes();
        boolean thermometer = thermometer(precision);
        for (int lane = 0; lane < lanes; lane++) {
            String where = lanes == 1 ? "row " + firstRow : "row " + (firstRow + lane) + " (lane " + lane + ")";
            int b = base + lane;
            for (int k = 0; k < kWords; k++) {
                for (int q = 0; q < planes; q++) {
                    if (k == kWords - 1 && (a[b + q * planeStride + k * wordStride] & ~lastValid) != 0) {
                        return new IllegalArgumentException("pad bits past K = " + cols + " are set in " + where
                                + ", word " + k);
                    }
                }
                if (thermometer && (a[b + planeStride + k * wordStride] & ~a[b + k * wordStride]) != 0) {
                    return new IllegalArgumentException(where + ", word " + k + ": plane 1 has a bit that plane 0 "
                            + "lacks, which encodes no " + precision + " value");
                }
            }
        }
        return new IllegalArgumentException(lanes == 1
                ? "pad bits past K = " + cols + " are set in row " + firstRow + " (in a word past ceil(K / 64))"
                : "bits are set in lanes past the last row of the last panel (rows " + firstRow + ".."
                        + (firstRow + lanes - 1) + ")");
    }
}
