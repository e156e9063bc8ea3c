package io.github.trit4j.internal.kernel;

/**
 * Turns a kernel's raw popcount combination into the integer dot product:
 * {@code out = alpha * raw + rowScale * rowTerm[i] + colScale * colTerm[j] + constant}.
 * The terms are pack-time constants of the operands (row sums, counts of negatives), so
 * the correction is a few integer operations per output, fused into the kernel's store.
 *
 * @param alpha    multiplier of the raw sum
 * @param rowTerm  per weight-row constant, or null for none
 * @param rowScale multiplier of {@code rowTerm}
 * @param colTerm  per activation-row constant, or null for none
 * @param colScale multiplier of {@code colTerm}
 * @param constant added to every output
 */
public record Epilogue(int alpha, int[] rowTerm, int rowScale, int[] colTerm, int colScale, int constant) {

    /** The finished output for row {@code i}, column {@code j}. */
    public int apply(long raw, int i, int j) {
        long v = alpha * raw + constant;
        if (rowTerm != null) {
            v += (long) rowScale * rowTerm[i];
        }
        if (colTerm != null) {
            v += (long) colScale * colTerm[j];
        }
        return (int) v;
    }

    /** The part of the correction that depends on the row alone. */
    public int rowConstant(int i) {
        return constant + (rowTerm == null ? 0 : rowScale * rowTerm[i]);
    }
}
