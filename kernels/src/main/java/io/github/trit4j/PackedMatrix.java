package io.github.trit4j;

import io.github.trit4j.kernel.ColumnPanels;
import io.github.trit4j.kernel.Epilogue;

import java.util.Objects;
import java.util.function.Function;

/**
 * A matrix of small integers packed into bit-planes along its columns (K), ready for
 * {@link Gemm}. Weights are packed one row per output channel; activations one row per
 * output column (each row one K-long input vector, e.g. one im2col patch).
 *
 * <p>Layout: row {@code r}, plane {@code p} occupies {@link #wordsPerRow()} consecutive
 * longs starting at {@code (r * planes + p) * wordsPerRow}; value {@code k} is bit
 * {@code k % 64} of word {@code k / 64}. Rows are padded with zero bits to a multiple of
 * {@value #K_GRANULE_BITS} bits so that every kernel shape reads whole vectors. Zero pads
 * are harmless: ternary weight pads have mask {@code m = 0}, and in the binary product
 * both operands pad with the same bit, which the formula {@code K - 2 pop(w ^ x)} with
 * the unpadded K ignores.
 *
 * <p>Pack-time constants (per-row sum, count of negatives, count of non-zeros) are kept
 * here so that the kernels' corrections cost nothing per call.
 *
 * <p>Instances are immutable and safe to share between threads. The derived views used
 * by some products are computed on first use and cached; a race computes identical
 * values twice and is harmless.
 */
public final class PackedMatrix {

    /** Rows are padded to a multiple of this many bits (one 512-bit vector). */
    public static final int K_GRANULE_BITS = 512;

    private static final int WORDS_PER_GRANULE = K_GRANULE_BITS / 64;

    private final Precision precision;
    private final int rows;
    private final int cols;
    private final int wordsPerRow;
    private final long[] bits;
    private final int[] rowSums;
    private final int[] negatives;
    private final int[] nonZeros;

    private volatile PackedMatrix offsetThermometer;
    private volatile PackedMatrix twoBitCodes;
    private volatile Panels columnPanels;
    /** Epilogues that depend on this matrix alone (as weights), by product; immutable records. */
    private final Epilogue[] epilogues = new Epilogue[3];

    /** Column panels and the lane count they were laid out for, published together. */
    private record Panels(int lanes, long[] words) {
    }

    private PackedMatrix(Precision precision, int rows, int cols, long[] bits,
                         int[] rowSums, int[] negatives, int[] nonZeros) {
        this.precision = precision;
        this.rows = rows;
        this.cols = cols;
        this.wordsPerRow = wordsPerRow(cols);
        this.bits = bits;
        this.rowSums = rowSums;
        this.negatives = negatives;
        this.nonZeros = nonZeros;
    }

    /**
     * Packs row-major {@code values} ({@code rows x cols}) of the given precision.
     *
     * @param precision the value set the values belong to
     * @param values    row-major values, {@code values[r * cols + c]}; not retained
     * @param rows      number of rows, at least 1
     * @param cols      number of columns (K), at least 1
     * @return the packed matrix
     * @throws NullPointerException     if {@code precision} or {@code values} is null
     * @throws IllegalArgumentException if a dimension is not positive, if
     *                                  {@code values.length != rows * cols}, or if a value is
     *                                  outside the precision's set (the message names its index)
     */
    public static PackedMatrix pack(Precision precision, byte[] values, int rows, int cols) {
        Objects.requireNonNull(precision, "precision");
        Objects.requireNonNull(values, "values");
        checkDimensions(rows, cols);
        long count = (long) rows * cols;
        if (values.length != count) {
            throw new IllegalArgumentException("values.length is " + values.length + " but rows * cols = "
                    + rows + " * " + cols + " = " + count);
        }
        for (int idx = 0; idx < values.length; idx++) {
            if (!precision.contains(values[idx])) {
                throw new IllegalArgumentException("value " + values[idx] + " at index " + idx + " (row "
                        + idx / cols + ", col " + idx % cols + ") is outside " + precision + " "
                        + precision.valueSet());
            }
        }
        int words = wordsPerRow(cols);
        int planes = precision.planes();
        long[] bits = new long[allocationSize(rows, planes, words)];
        int[] sums = new int[rows];
        int[] neg = new int[rows];
        int[] nz = new int[rows];
        for (int r = 0; r < rows; r++) {
            int src = r * cols;
            int base = r * planes * words;
            int sum = 0;
            int negCount = 0;
            int nzCount = 0;
            for (int c = 0; c < cols; c++) {
                int v = values[src + c];
                sum += v;
                if (v < 0) {
                    negCount++;
                }
                if (v != 0) {
                    nzCount++;
                }
                long bit = 1L << c;
                int word = base + (c >>> 6);
                int p0;
                int p1;
                switch (precision) {
                    case BINARY -> { p0 = v < 0 ? 1 : 0; p1 = 0; }
                    case TERNARY -> { p0 = v != 0 ? 1 : 0; p1 = v < 0 ? 1 : 0; }
                    case TERNARY_UNSIGNED -> { p0 = v >= 1 ? 1 : 0; p1 = v >= 2 ? 1 : 0; }
                    case TWO_BIT -> { p0 = v & 1; p1 = v >> 1; }
                    default -> throw new AssertionError(precision);
                }
                if (p0 != 0) {
                    bits[word] |= bit;
                }
                if (p1 != 0) {
                    bits[word + words] |= bit;
                }
            }
            sums[r] = sum;
            neg[r] = negCount;
            nz[r] = nzCount;
        }
        return new PackedMatrix(precision, rows, cols, bits, sums, neg, nz);
    }

    /**
     * Wraps bit-planes written directly in this class's layout (see the class comment), for
     * packers that never hold the values as bytes, such as a fused quantize + im2col. The
     * array is taken as it is, not copied: the caller must not change it afterwards. Row
     * constants are computed here from the planes.
     *
     * @param precision the value set
     * @param rows      number of rows, at least 1
     * @param cols      K, at least 1
     * @param bits      {@code rows * precision.planes() * wordsPerRow(cols)} longs
     * @throws NullPointerException     if {@code precision} or {@code bits} is null
     * @throws IllegalArgumentException if a dimension is not positive, {@code bits} has the wrong
     *                                  length, a pad bit (past K) is set, or the planes do not
     *                                  encode a value of the set (ternary s without m; unsigned
     *                                  ternary b without a); the message names row and word
     */
    public static PackedMatrix fromBitPlanes(Precision precision, int rows, int cols, long[] bits) {
        Objects.requireNonNull(precision, "precision");
        Objects.requireNonNull(bits, "bits");
        checkDimensions(rows, cols);
        int words = wordsPerRow(cols);
        int planes = precision.planes();
        int expected = allocationSize(rows, planes, words);
        if (bits.length != expected) {
            throw new IllegalArgumentException("bits.length is " + bits.length + " but " + rows + " rows x "
                    + planes + " planes x " + words + " words = " + expected);
        }
        int[] sums = new int[rows];
        int[] neg = new int[rows];
        int[] nz = new int[rows];
        for (int r = 0; r < rows; r++) {
            int base = r * planes * words;
            long p0Count = 0;
            long p1Count = 0;
            long nonZero = 0;
            for (int w = 0; w < words; w++) {
                long valid = validBits(w, cols);
                long p0 = bits[base + w];
                long p1 = planes > 1 ? bits[base + words + w] : 0;
                if (((p0 | p1) & ~valid) != 0) {
                    throw new IllegalArgumentException("pad bits past K = " + cols + " are set in row " + r
                            + ", word " + w);
                }
                if ((precision == Precision.TERNARY || precision == Precision.TERNARY_UNSIGNED) && (p1 & ~p0) != 0) {
                    throw new IllegalArgumentException("row " + r + ", word " + w + ": plane 1 has a bit that plane 0 "
                            + "lacks, which encodes no " + precision + " value");
                }
                p0Count += Long.bitCount(p0);
                p1Count += Long.bitCount(p1);
                nonZero += switch (precision) {
                    case BINARY -> Long.bitCount(valid);
                    case TERNARY, TERNARY_UNSIGNED -> Long.bitCount(p0);
                    case TWO_BIT -> Long.bitCount(p0 | p1);
                };
            }
            switch (precision) {
                case BINARY -> { sums[r] = (int) (cols - 2 * p0Count); neg[r] = (int) p0Count; }
                case TERNARY -> { sums[r] = (int) (p0Count - 2 * p1Count); neg[r] = (int) p1Count; }
                case TERNARY_UNSIGNED -> sums[r] = (int) (p0Count + p1Count);
                case TWO_BIT -> sums[r] = (int) (p0Count + 2 * p1Count);
                default -> throw new AssertionError(precision);
            }
            nz[r] = (int) nonZero;
        }
        return new PackedMatrix(precision, rows, cols, bits, sums, neg, nz);
    }

    /** Longs per plane per row for K = {@code cols}: {@code cols} rounded up to {@value #K_GRANULE_BITS} bits. */
    public static int wordsPerRowFor(int cols) {
        if (cols <= 0) {
            throw new IllegalArgumentException("cols must be at least 1, got " + cols);
        }
        return wordsPerRow(cols);
    }

    /** Number of rows (M for weights, N for activations). */
    public int rows() {
        return rows;
    }

    /** Number of columns: the reduction length K, unpadded. */
    public int cols() {
        return cols;
    }

    /** The value set of the packed values. */
    public Precision precision() {
        return precision;
    }

    /** Longs per plane per row: {@code cols} rounded up to {@value #K_GRANULE_BITS} bits. */
    public int wordsPerRow() {
        return wordsPerRow;
    }

    /** Sum of row {@code r}'s values (a pack-time constant). */
    public int rowSum(int r) {
        return rowSums[Objects.checkIndex(r, rows)];
    }

    /**
     * Unpacks to row-major values, the exact inverse of {@link #pack}.
     *
     * @return a new array of {@code rows * cols} values
     */
    public byte[] unpack() {
        byte[] out = new byte[rows * cols];
        int planes = precision.planes();
        for (int r = 0; r < rows; r++) {
            int base = r * planes * wordsPerRow;
            for (int c = 0; c < cols; c++) {
                int word = base + (c >>> 6);
                int p0 = (int) (bits[word] >>> c) & 1;
                int p1 = planes > 1 ? (int) (bits[word + wordsPerRow] >>> c) & 1 : 0;
                out[r * cols + c] = (byte) switch (precision) {
                    case BINARY -> p0 == 1 ? -1 : 1;
                    case TERNARY -> p0 == 0 ? 0 : (p1 == 1 ? -1 : 1);
                    case TERNARY_UNSIGNED -> p0 + p1;
                    case TWO_BIT -> p0 | (p1 << 1);
                };
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "PackedMatrix[" + precision + ", " + rows + " x " + cols + "]";
    }

    // ---- package-private: what the engine needs ----

    long[] bits() {
        return bits;
    }

    int[] rowSums() {
        return rowSums;
    }

    int[] negatives() {
        return negatives;
    }

    int[] nonZeros() {
        return nonZeros;
    }

    /**
     * For a TERNARY matrix: the same rows as TERNARY_UNSIGNED codes of {@code v + 1},
     * so that the FATNN product can serve ternary activations (DESIGN.md section 2).
     * Planes: a = [v &gt;= 0] = ~s (within K), b = [v &gt;= 1] = m &amp; ~s.
     */
    PackedMatrix offsetThermometer() {
        requirePrecision(Precision.TERNARY);
        PackedMatrix view = offsetThermometer;
        if (view == null) {
            long[] out = new long[bits.length];
            for (int r = 0; r < rows; r++) {
                int base = r * 2 * wordsPerRow;
                for (int w = 0; w < wordsPerRow; w++) {
                    long m = bits[base + w];
                    long s = bits[base + wordsPerRow + w];
                    out[base + w] = ~s & validBits(w);
                    out[base + wordsPerRow + w] = m & ~s;
                }
            }
            int[] sums = new int[rows];
            for (int r = 0; r < rows; r++) {
                sums[r] = rowSums[r] + cols;
            }
            view = new PackedMatrix(Precision.TERNARY_UNSIGNED, rows, cols, out, sums, new int[rows], nonZerosOfOffset());
            offsetThermometer = view;
        }
        return view;
    }

    /**
     * The conventional network's view: TERNARY as TWO_BIT codes of {@code v + 1}, TERNARY_UNSIGNED
     * as TWO_BIT codes of {@code v}, TWO_BIT as itself.
     */
    PackedMatrix twoBitCodes() {
        if (precision == Precision.TWO_BIT) {
            return this;
        }
        if (precision == Precision.BINARY) {
            throw new IllegalStateException("BINARY has no 2-bit code view");
        }
        PackedMatrix view = twoBitCodes;
        if (view == null) {
            long[] out = new long[bits.length];
            for (int r = 0; r < rows; r++) {
                int base = r * 2 * wordsPerRow;
                for (int w = 0; w < wordsPerRow; w++) {
                    long p0 = bits[base + w];
                    long p1 = bits[base + wordsPerRow + w];
                    long lo;
                    long hi;
                    if (precision == Precision.TERNARY) { // v + 1: 0 where s, 1 where !m, 2 where m & !s
                        lo = ~p0 & validBits(w);
                        hi = p0 & ~p1;
                    } else { // thermometer a, b: v = a + b
                        lo = p0 ^ p1;
                        hi = p1;
                    }
                    out[base + w] = lo;
                    out[base + wordsPerRow + w] = hi;
                }
            }
            int[] sums = new int[rows];
            for (int r = 0; r < rows; r++) {
                sums[r] = rowSums[r] + (precision == Precision.TERNARY ? cols : 0);
            }
            int[] nz = precision == Precision.TERNARY ? nonZerosOfOffset() : nonZeros;
            view = new PackedMatrix(Precision.TWO_BIT, rows, cols, out, sums, new int[rows], nz);
            twoBitCodes = view;
        }
        return view;
    }

    /**
     * These rows as column panels of {@code lanes} columns ({@link ColumnPanels}), for the
     * lane-per-column kernels; cached for the last lane count asked for.
     */
    long[] columnPanels(int lanes) {
        Panels panels = columnPanels;
        if (panels == null || panels.lanes() != lanes) {
            panels = new Panels(lanes, ColumnPanels.pack(bits, rows, precision.planes(), wordsPerRow,
                    ColumnPanels.kWords(cols), lanes));
            columnPanels = panels;
        }
        return panels.words();
    }

    /**
     * The epilogue of product {@code slot} with this matrix as weights, built once. A race
     * builds equal records twice; a record's final fields are safely published.
     */
    Epilogue epilogue(int slot, Function<PackedMatrix, Epilogue> build) {
        Epilogue e = epilogues[slot];
        if (e == null) {
            e = build.apply(this);
            epilogues[slot] = e;
        }
        return e;
    }

    /** Non-zeros of v + 1 for ternary v: every value but -1. */
    private int[] nonZerosOfOffset() {
        int[] nz = new int[rows];
        for (int r = 0; r < rows; r++) {
            nz[r] = cols - negatives[r];
        }
        return nz;
    }

    /** Mask of the bits of word {@code w} that lie inside K. */
    private long validBits(int w) {
        return validBits(w, cols);
    }

    private static long validBits(int w, int cols) {
        int from = w * 64;
        if (from + 64 <= cols) {
            return -1L;
        }
        if (from >= cols) {
            return 0L;
        }
        return (1L << (cols - from)) - 1;
    }

    private void requirePrecision(Precision expected) {
        if (precision != expected) {
            throw new IllegalStateException("expected " + expected + ", is " + precision);
        }
    }

    static int wordsPerRow(int cols) {
        return (int) (((long) cols + K_GRANULE_BITS - 1) / K_GRANULE_BITS) * WORDS_PER_GRANULE;
    }

    private static void checkDimensions(int rows, int cols) {
        if (rows <= 0) {
            throw new IllegalArgumentException("rows must be at least 1, got " + rows);
        }
        if (cols <= 0) {
            throw new IllegalArgumentException("cols must be at least 1, got " + cols);
        }
    }

    private static int allocationSize(int rows, int planes, int words) {
        long size = (long) rows * planes * words;
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("packed size " + size + " longs for " + rows + " rows of "
                    + words + " words x " + planes + " planes exceeds a Java array");
        }
        return (int) size;
    }
}
