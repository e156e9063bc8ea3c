package io.github.trit4j.quant;

import io.github.trit4j.Precision;

import java.util.Arrays;
import java.util.Objects;

/**
 * Weight codes with their per-output-channel scales, a {@link #rows()} x {@link #cols()} matrix
 * with one row per output channel: row {@code o}'s codes are {@code codes()[o * cols() + i]},
 * and code {@code v} in row {@code o} stands for the float {@code scales()[o] * v}.
 *
 * <p>Immutable and thread-safe: accessors return copies. A value: {@link #equals} compares
 * precision, sizes, codes and scales.
 */
public final class QuantizedWeights {

    private final Precision precision;
    private final int rows;
    private final int cols;
    private final byte[] codes;
    private final float[] scales;

    QuantizedWeights(Precision precision, int rows, int cols, byte[] codes, float[] scales) {
        this.precision = precision;
        this.rows = rows;
        this.cols = cols;
        this.codes = codes;
        this.scales = scales;
    }

    /**
     * The codes' precision.
     *
     * @return {@link Precision#TERNARY} or {@link Precision#BINARY}
     */
    public Precision precision() {
        return precision;
    }

    /**
     * Number of rows: one per output channel.
     *
     * @return the output channel count, at least 1
     */
    public int rows() {
        return rows;
    }

    /**
     * Number of columns: the codes of one output channel (the reduction length K).
     *
     * @return the codes per row, at least 1
     */
    public int cols() {
        return cols;
    }

    /**
     * The codes, row-major (one row per output channel).
     *
     * @return a copy, {@code rows() * cols()} codes
     */
    public byte[] codes() {
        return codes.clone();
    }

    /**
     * One scale per row (output channel).
     *
     * @return a copy, {@code rows()} scales
     */
    public float[] scales() {
        return scales.clone();
    }

    /**
     * Scale of one row (output channel).
     *
     * @param o the row, {@code 0 <= o < rows()}
     * @return the float value of code 1 in row {@code o}
     * @throws IndexOutOfBoundsException if {@code o} is outside the rows
     */
    public float scale(int o) {
        return scales[Objects.checkIndex(o, rows)];
    }

    /**
     * Equal when precision, sizes, codes and scales are (scales compared as by
     * {@link Float#compare}).
     *
     * @param o the other object
     * @return whether {@code o} holds the same quantized weights
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof QuantizedWeights q && precision == q.precision && rows == q.rows
                && cols == q.cols && Arrays.equals(codes, q.codes) && Arrays.equals(scales, q.scales);
    }

    /**
     * A hash consistent with {@link #equals}.
     *
     * @return the hash of precision, sizes, codes and scales
     */
    @Override
    public int hashCode() {
        return Objects.hash(precision, rows, cols, Arrays.hashCode(codes), Arrays.hashCode(scales));
    }

    /**
     * Precision and sizes (not the codes or scales, which may be long), for messages and logs.
     *
     * @return a one-line description
     */
    @Override
    public String toString() {
        return "QuantizedWeights[" + precision + ", " + rows + " x " + cols + "]";
    }
}
