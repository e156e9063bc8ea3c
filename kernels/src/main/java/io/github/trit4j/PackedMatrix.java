package io.github.trit4j;

import io.github.trit4j.internal.kernel.Operand;
import io.github.trit4j.internal.kernel.Planes;
import io.github.trit4j.internal.kernel.TrustedPacking;

import java.util.Objects;

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
 * <p>Row constants (per-row sum, count of negatives, count of non-zeros) are kept with the matrix so
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
// A handle: the planes, their layout rules and checks (internal Planes) and what the engine
// derives from them (internal Operand) live with the kernels, so that this type is the API alone.
public final class PackedMatrix {

    /** Rows are padded to a multiple of this many bits (one 512-bit vector). */
    public static final int K_GRANULE_BITS = Planes.K_GRANULE_BITS;

    private final Operand operand;

    static {
        TrustedPacking.register(PackedMatrix.class, PackedMatrix::new);
    }

    private PackedMatrix(Operand operand) {
        this.operand = operand;
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
        Planes.checkDimensions(rows, cols);
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
        return new PackedMatrix(Operand.pack(precision, values, rows, cols));
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
        Planes.checkRows(precision, rows, cols, bits);
        return new PackedMatrix(Operand.ofRows(precision, rows, cols, bits));
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
        Planes.checkPanels(precision, rows, cols, lanes, panels);
        return new PackedMatrix(Operand.ofPanels(precision, rows, cols, lanes, panels));
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
        return Planes.wordsPerRow(cols);
    }

    /**
     * Number of rows (M for weights, N for activations).
     *
     * @return the row count
     */
    public int rows() {
        return operand.rows();
    }

    /**
     * Number of columns: the reduction length K, unpadded.
     *
     * @return K
     */
    public int cols() {
        return operand.cols();
    }

    /**
     * The value set of the packed values.
     *
     * @return the precision
     */
    public Precision precision() {
        return operand.precision();
    }

    /**
     * Longs per plane per row.
     *
     * @return {@code cols} rounded up to {@value #K_GRANULE_BITS} bits, in longs
     */
    public int wordsPerRow() {
        return operand.wordsPerRow();
    }

    /**
     * Sum of one row's values (a pack-time constant).
     *
     * @param r the row, {@code 0 <= r < rows()}
     * @return the sum of row {@code r}'s values
     * @throws IndexOutOfBoundsException if {@code r} is outside the rows
     */
    public int rowSum(int r) {
        return operand.rowSums()[Objects.checkIndex(r, rows())];
    }

    /**
     * Unpacks to row-major values, the exact inverse of {@link #pack}.
     *
     * @return a new array of {@code rows * cols} values
     * @throws IllegalArgumentException if {@code rows * cols} values do not fit a Java array
     *                                  (possible for matrices wrapped from planes or panels)
     */
    public byte[] unpack() {
        long size = (long) rows() * cols();
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("cannot unpack rows * cols = " + rows() + " * " + cols() + " = "
                    + size + " values: more than a Java array holds");
        }
        return operand.unpack();
    }

    @Override
    public String toString() {
        return "PackedMatrix[" + precision() + ", " + rows() + " x " + cols() + "]";
    }

    /** What the engine multiplies. */
    Operand operand() {
        return operand;
    }

    // ---- the engine's derived values, for the white-box tests of this package ----

    long[] bits() {
        return operand.bits();
    }

    int[] rowSums() {
        return operand.rowSums();
    }

    int[] negatives() {
        return operand.negatives();
    }

    int[] nonZeros() {
        return operand.nonZeros();
    }

    PackedMatrix offsetThermometer() {
        return new PackedMatrix(operand.offsetThermometer());
    }

    PackedMatrix twoBitCodes() {
        Operand view = operand.twoBitCodes();
        return view == operand ? this : new PackedMatrix(view);
    }
}
