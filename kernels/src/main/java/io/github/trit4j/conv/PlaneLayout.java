package io.github.trit4j.conv;

import io.github.trit4j.internal.kernel.ColumnPanels;

/**
 * Where packed row {@code r}'s word {@code k} of plane {@code q} sits in a {@code long[]}:
 * {@code origin(r) + q * planeStride + k * wordStride}, for {@code k < words}. The one
 * description of the three layouts the convolution writes (pixel planes and patch matrices):
 * <ul>
 *   <li>{@link #rows}: {@link io.github.trit4j.PackedMatrix#fromBitPlanes}'s, a row's planes and
 *   words adjacent ({@code ((r * planes) + q) * words + k});</li>
 *   <li>{@link #wordMajor}: one run of all rows per (plane, word) ({@code (q * words + k) * rows + r}),
 *   so that consecutive rows are adjacent;</li>
 *   <li>{@link #panels}: {@link io.github.trit4j.PackedMatrix#fromColumnPanels}'s
 *   ({@link ColumnPanels}), rows rounded up to whole panels.</li>
 * </ul>
 */
record PlaneLayout(int rows, int planes, int words, int lanes, int planeStride, int wordStride) {

    static PlaneLayout rows(int rows, int planes, int words) {
        return new PlaneLayout(rows, planes, words, 0, words, 1);
    }

    static PlaneLayout wordMajor(int rows, int planes, int words) {
        return new PlaneLayout(rows, planes, words, 0, words * rows, rows);
    }

    static PlaneLayout panels(int rows, int planes, int kWords, int lanes) {
        return new PlaneLayout(rows, planes, kWords, lanes, lanes, planes * lanes);
    }

    /** Index of row {@code r}'s word 0 of plane 0. */
    int origin(int r) {
        if (lanes > 0) {
            return ColumnPanels.origin(r, words, planes, lanes);
        }
        return wordStride == 1 ? r * planes * words : r;
    }

    /** Rows rounded up to whole panels (the rows themselves for the other layouts). */
    int paddedRows() {
        return lanes == 0 ? rows : (rows + lanes - 1) / lanes * lanes;
    }

    /** Longs the layout spans. */
    int size() {
        long size = (long) paddedRows() * planes * words;
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("packed planes of " + size + " longs do not fit a Java array");
        }
        return (int) size;
    }

    /** Zeroes every word of rows {@code [from, paddedRows())}: the lanes past the last row of the last panel. */
    void zeroRowsFrom(long[] bits, int from) {
        for (int r = from; r < paddedRows(); r++) {
            int o = origin(r);
            for (int q = 0; q < planes; q++) {
                for (int k = 0; k < words; k++) {
                    bits[o + q * planeStride + k * wordStride] = 0L;
                }
            }
        }
    }
}
