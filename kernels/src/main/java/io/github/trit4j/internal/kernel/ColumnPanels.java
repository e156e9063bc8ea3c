package io.github.trit4j.internal.kernel;

/**
 * Re-lays packed activation rows as column panels for the lane-per-column kernels: a
 * panel holds {@code lanes} consecutive columns (activation rows), and for each 64-bit
 * word {@code k} of K and each plane {@code q} their words sit side by side, one per
 * vector lane, at {@code ((panel * kWords + k) * planes + q) * lanes + lane}. A kernel then
 * loads one vector per (k, plane) that serves {@code lanes} outputs at once, broadcasts the
 * weight word, and never reduces across lanes. Only the {@code kWords = ceil(K / 64)} words
 * that hold K are copied, so K is padded to 64 bits here, not to a vector. Columns past N
 * are zero words; their lanes are computed and never stored.
 */
public final class ColumnPanels {

    private ColumnPanels() {
    }

    /** Number of 64-bit words that hold {@code k} bits. */
    public static int kWords(int k) {
        return (k + 63) >>> 6;
    }

    /**
     * Index of row {@code r}'s word 0 of plane 0 in panels of {@code lanes} rows: plane q,
     * word k of the row are {@code q * lanes + k * planes * lanes} further.
     */
    public static int origin(int r, int kWords, int planes, int lanes) {
        return (r / lanes * kWords * planes) * lanes + r % lanes;
    }

    /**
     * Builds the panels.
     *
     * @param bits   packed rows: row r, plane q at {@code (r * planes + q) * rowWords}
     * @param rows   number of rows (N)
     * @param planes planes per row
     * @param rowWords words per plane per row in {@code bits}
     * @param kWords words of K to copy ({@code <= rowWords})
     * @param lanes  columns per panel (the kernel's vector length in longs)
     */
    public static long[] pack(long[] bits, int rows, int planes, int rowWords, int kWords, int lanes) {
        return pack(bits, rows, planes, rowWords, kWords, lanes, null);
    }

    /**
     * As {@link #pack(long[], int, int, int, int, int)}, into {@code into} when it is an earlier
     * result of the same sizes (its pad words are still zero: only the rows' words are written).
     */
    public static long[] pack(long[] bits, int rows, int planes, int rowWords, int kWords, int lanes, long[] into) {
        int panels = (rows + lanes - 1) / lanes;
        long size = (long) panels * kWords * planes * lanes;
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("column panels of " + size + " words exceed a Java array");
        }
        long[] out = into != null && into.length == size ? into : new long[(int) size];
        for (int r = 0; r < rows; r++) {
            for (int q = 0; q < planes; q++) {
                int src = (r * planes + q) * rowWords;
                int dst = origin(r, kWords, planes, lanes) + q * lanes;
                for (int k = 0; k < kWords; k++) {
                    out[dst + k * planes * lanes] = bits[src + k];
                }
            }
        }
        return out;
    }

    /**
     * The inverse of {@link #pack}: rows of {@code rowWords} words per plane, words past
     * {@code kWords} zero.
     */
    public static long[] unpack(long[] panels, int rows, int planes, int rowWords, int kWords, int lanes) {
        long size = (long) rows * planes * rowWords;
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("rows of " + size + " words exceed a Java array");
        }
        long[] out = new long[(int) size];
        for (int r = 0; r < rows; r++) {
            for (int q = 0; q < planes; q++) {
                int dst = (r * planes + q) * rowWords;
                int src = origin(r, kWords, planes, lanes) + q * lanes;
                for (int k = 0; k < kWords; k++) {
                    out[dst + k] = panels[src + k * planes * lanes];
                }
            }
        }
        return out;
    }
}
