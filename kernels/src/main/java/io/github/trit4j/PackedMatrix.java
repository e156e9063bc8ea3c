package io.github.trit4j;

import io.github.trit4j.internal.kernel.ColumnPanels;
import io.github.trit4j.internal.kernel.Epilogue;
import io.github.trit4j.internal.kernel.Kernel;
import io.github.trit4j.internal.kernel.TrustedPacking;

import java.util.Objects;
import java.util.function.BiFunction;

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
 * <p>Row constants (per-row sum, count of negatives, count of non-zeros) are kept here so
 * that the kernels' corrections cost nothing per call: computed by {@link #pack}, and on
 * first use for matrices wrapped from planes or panels (activations of the FATNN product
 * never need them).
 *
 * <p>A matrix may instead hold its rows as column panels ({@link #fromColumnPanels}), the
 * layout the lane-per-column kernels read; the row layout is then built on first use.
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
    /** Row layout (see the class comment); built on first use for a matrix made from column panels. */
    private volatile long[] bits;
    /** Row constants; computed on first use for a matrix made from planes or panels. */
    private volatile RowConstants constants;

    private volatile PackedMatrix offsetThermometer;
    private volatile PackedMatrix twoBitCodes;
    private volatile Panels columnPanels;
    /** Epilogues that depend on this matrix alone (as weights), by kernel ordinal; immutable records. */
    private final Epilogue[] epilogues = new Epilogue[Kernel.values().length];

    static {
        TrustedPacking.register(new TrustedPacking.Wrappers() {
            @Override
            public PackedMatrix rows(Precision precision, int rows, int cols, long[] bits) {
                return new PackedMatrix(precision, rows, cols, bits, null, null);
            }

            @Override
            public PackedMatrix columnPanels(Precision precision, int rows, int cols, int lanes, long[] panels) {
                return new PackedMatrix(precision, rows, cols, null, new Panels(lanes, panels), null);
            }
        });
    }

    /** Column panels and the lane count they were laid out for, published together. */
    private record Panels(int lanes, long[] words) {
    }

    /** Per row: sum of the values, count of negatives, count of non-zeros. */
    private record RowConstants(int[] sums, int[] negatives, int[] nonZeros) {
    }

    /** At least one of {@code bits} and {@code panels} is non-null; {@code constants} may be null (lazy). */
    private PackedMatrix(Precision precision, int rows, int cols, long[] bits, Panels panels,
                         RowConstants constants) {
        this.precision = precision;
        this.rows = rows;
        this.cols = cols;
        this.wordsPerRow = wordsPerRow(cols);
        this.bits = bits;
        this.columnPanels = panels;
        this.constants = constants;
    }

    private PackedMatrix(Precision precision, int rows, int cols, long[] bits,
                         int[] rowSums, int[] negatives, int[] nonZeros) {
        this(precision, rows, cols, bits, null, new RowConstants(rowSums, negatives, nonZeros));
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
     * array is taken as it is, not copied: the caller must not change it afterwards. The
     * checks below are single passes of bitwise ORs; row constants are computed on first use.
     *
     * @param precision the value set
     * @param rows      number of rows, at least 1
     * @param cols      K, at least 1
     * @param bits      {@code rows * precision.planes() * wordsPerRow(cols)} longs
     * @return the matrix over {@code bits}
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
        int kWords = ColumnPanels.kWords(cols);
        long lastValid = validBits(kWords - 1, cols);
        boolean thermometer = precision == Precision.TERNARY || precision == Precision.TERNARY_UNSIGNED;
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
        return new PackedMatrix(precision, rows, cols, bits, null, null);
    }

    /**
     * Wraps activation rows written directly as column panels, the layout in which the
     * lane-per-column kernels read them (see {@link GemmEngine#activationPanelLanes}), so that
     * a packer such as im2col saves the engine a re-layout per call. Row {@code r}, plane
     * {@code q}, word {@code k} of K ({@code k < ceil(cols / 64)}) sits at
     * {@code ((r / lanes * kWords + k) * planes + q) * lanes + r % lanes} with
     * {@code kWords = ceil(cols / 64)}; the lanes past the last row of the last panel are zero.
     * The array is taken as it is, not copied: the caller must not change it afterwards. Any
     * engine accepts such a matrix; one that reads another layout converts it (once, cached).
     *
     * @param precision the value set
     * @param rows      number of rows (N), at least 1
     * @param cols      K, at least 1
     * @param lanes     rows per panel, at least 1
     * @param panels    {@code ceil(rows / lanes) * kWords * planes * lanes} longs
     * @return the matrix over {@code panels}
     * @throws NullPointerException     if {@code precision} or {@code panels} is null
     * @throws IllegalArgumentException if a dimension is not positive, {@code panels} has the
     *                                  wrong length, a bit past K or past the last row is set, or
     *                                  the planes do not encode a value of the set; the message
     *                                  names panel and word
     */
    public static PackedMatrix fromColumnPanels(Precision precision, int rows, int cols, int lanes, long[] panels) {
        Objects.requireNonNull(precision, "precision");
        Objects.requireNonNull(panels, "panels");
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
        boolean thermometer = precision == Precision.TERNARY || precision == Precision.TERNARY_UNSIGNED;
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
        return new PackedMatrix(precision, rows, cols, null, new Panels(lanes, panels), null);
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
        boolean thermometer = precision == Precision.TERNARY || precision == Precision.TERNARY_UNSIGNED;
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

    /**
     * Longs per plane per row for a reduction length.
     *
     * @param cols K, at least 1
     * @return {@code cols} rounded up to {@value #K_GRANULE_BITS} bits, in longs
     * @throws IllegalArgumentException if {@code cols < 1}
     */
    public static int wordsPerRowFor(int cols) {
        if (cols <= 0) {
            throw new IllegalArgumentException("cols must be at least 1, got " + cols);
        }
        return wordsPerRow(cols);
    }

    /**
     * Number of rows (M for weights, N for activations).
     *
     * @return the row count
     */
    public int rows() {
        return rows;
    }

    /**
     * Number of columns: the reduction length K, unpadded.
     *
     * @return K
     */
    public int cols() {
        return cols;
    }

    /**
     * The value set of the packed values.
     *
     * @return the precision
     */
    public Precision precision() {
        return precision;
    }

    /**
     * Longs per plane per row.
     *
     * @return {@code cols} rounded up to {@value #K_GRANULE_BITS} bits, in longs
     */
    public int wordsPerRow() {
        return wordsPerRow;
    }

    /**
     * Sum of one row's values (a pack-time constant).
     *
     * @param r the row, {@code 0 <= r < rows()}
     * @return the sum of row {@code r}'s values
     * @throws IndexOutOfBoundsException if {@code r} is outside the rows
     */
    public int rowSum(int r) {
        return rowSums()[Objects.checkIndex(r, rows)];
    }

    /**
     * Unpacks to row-major values, the exact inverse of {@link #pack}.
     *
     * @return a new array of {@code rows * cols} values
     * @throws IllegalArgumentException if {@code rows * cols} values do not fit a Java array
     *                                  (possible for matrices wrapped from planes or panels)
     */
    public byte[] unpack() {
        long size = (long) rows * cols;
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("cannot unpack rows * cols = " + rows + " * " + cols + " = " + size
                    + " values: more than a Java array holds");
        }
        long[] bits = bits();
        byte[] out = new byte[(int) size];
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

    /** The row layout; for a matrix made from column panels, built from them on first use. */
    long[] bits() {
        long[] b = bits;
        if (b == null) {
            Panels p = columnPanels;
            b = ColumnPanels.unpack(p.words(), rows, precision.planes(), wordsPerRow, ColumnPanels.kWords(cols),
                    p.lanes());
            bits = b;
        }
        return b;
    }

    int[] rowSums() {
        return constants().sums();
    }

    int[] negatives() {
        return constants().negatives();
    }

    int[] nonZeros() {
        return constants().nonZeros();
    }

    /** Row constants, counted from the planes on first use when not known at construction. */
    private RowConstants constants() {
        RowConstants c = constants;
        if (c == null) {
            c = countRowConstants();
            constants = c;
        }
        return c;
    }

    private RowConstants countRowConstants() {
        long[] bits = bits();
        int planes = precision.planes();
        int words = wordsPerRow;
        int[] sums = new int[rows];
        int[] neg = new int[rows];
        int[] nz = new int[rows];
        for (int r = 0; r < rows; r++) {
            int base = r * planes * words;
            long p0Count = 0;
            long p1Count = 0;
            long nonZero = 0;
            for (int w = 0; w < words; w++) {
                long p0 = bits[base + w];
                long p1 = planes > 1 ? bits[base + words + w] : 0;
                p0Count += Long.bitCount(p0);
                p1Count += Long.bitCount(p1);
                nonZero += precision == Precision.TWO_BIT ? Long.bitCount(p0 | p1) : Long.bitCount(p0);
            }
            switch (precision) {
                case BINARY -> { sums[r] = (int) (cols - 2 * p0Count); neg[r] = (int) p0Count; nonZero = cols; }
                case TERNARY -> { sums[r] = (int) (p0Count - 2 * p1Count); neg[r] = (int) p1Count; }
                case TERNARY_UNSIGNED -> sums[r] = (int) (p0Count + p1Count);
                case TWO_BIT -> sums[r] = (int) (p0Count + 2 * p1Count);
                default -> throw new AssertionError(precision);
            }
            nz[r] = (int) nonZero;
        }
        return new RowConstants(sums, neg, nz);
    }

    /**
     * For a TERNARY matrix: the same rows as TERNARY_UNSIGNED codes of {@code v + 1},
     * so that the FATNN product can serve ternary activations (docs/DESIGN.md, <i>Inner products</i>).
     * Planes: a = [v &gt;= 0] = ~s (within K), b = [v &gt;= 1] = m &amp; ~s.
     */
    PackedMatrix offsetThermometer() {
        requirePrecision(Precision.TERNARY);
        PackedMatrix view = offsetThermometer;
        if (view == null) {
            long[] bits = bits();
            int[] rowSums = rowSums();
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
            long[] bits = bits();
            int[] rowSums = rowSums();
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
            int[] nz = precision == Precision.TERNARY ? nonZerosOfOffset() : nonZeros();
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
            panels = new Panels(lanes, ColumnPanels.pack(bits(), rows, precision.planes(), wordsPerRow,
                    ColumnPanels.kWords(cols), lanes));
            columnPanels = panels;
        }
        return panels.words();
    }

    /**
     * The epilogue of {@code kernel} with this matrix as weights, built once. A race builds
     * equal records twice; a record's final fields are safely published.
     */
    Epilogue epilogue(Kernel kernel, BiFunction<Kernel, PackedMatrix, Epilogue> build) {
        Epilogue e = epilogues[kernel.ordinal()];
        if (e == null) {
            e = build.apply(kernel, this);
            epilogues[kernel.ordinal()] = e;
        }
        return e;
    }

    /** Non-zeros of v + 1 for ternary v: every value but -1. */
    private int[] nonZerosOfOffset() {
        int[] nz = new int[rows];
        for (int r = 0; r < rows; r++) {
            nz[r] = cols - negatives()[r];
        }
        return nz;
    }

    /** Mask of the bits of word {@code w} that lie inside K. */
    private long validBits(int w) {
        return validBits(w, cols);
    }

    /** In long: near K = 2^31 the first bit of the word after the last one is past int. */
    static long validBits(int w, int cols) {
        long from = w * 64L;
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
